# Shared by scripts/kill-test and scripts/cluster-check: compares the tables of two warehouses row for
# row. Source it; needs HERE (the repository root).
#
# The comparison is bench/'s CompareWarehouses: DuckDB reads each table's live files from its Delta
# log and counts EXCEPT ALL both ways (duplicates count). It shares no code with the job it checks and
# takes seconds, where one Spark SQL statement over every table of several warehouses took minutes to
# plan.

# Builds bench/ (quietly, once per script) and sets BENCH_CP.
planwatch_bench_build() {
  (cd "$HERE/bench" && mvn -q -B -DskipTests package >&2) || return 1
  BENCH_CP="$HERE/bench/target/planwatch-bench.jar:$(cat "$HERE/bench/target/classpath.txt")"
}

# Columns a rerun may change without the row changing (the `-- volatile:` headers: load times).
planwatch_volatile_columns() {
  sed -n 's/^-- volatile: *//p' "$HERE"/schemas/*/*.ddl | tr ',' '\n' | sed 's/ //g' | sort -u | paste -sd,
}

# Every table of LAYERS (default: bronze,silver,gold) in warehouses A and B, one CSV line each:
#   table,rows_first,rows_second,only_in_first,only_in_second   (with a header line)
# Exit 0 when all are equal, 1 when a table differs, 2 when the comparison could not be made.
#   compare_warehouses A B [LAYERS]
compare_warehouses() {
  java -Xmx1g -cp "$BENCH_CP" org.planwatch.bench.CompareWarehouses --layers "${3:-bronze,silver,gold}" \
    --ignore "$(planwatch_volatile_columns)" --format csv "$1" "$2"
}
