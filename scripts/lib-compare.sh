# Shared by scripts/kill-test and scripts/cluster-check: table lists and EXCEPT ALL comparisons of
# warehouses through `bin/planwatch sql`. Source it; needs HERE (the repository root).

# The derived tables, as declared in schemas/ (ops.job_runs is history and differs by design).
planwatch_tables() {
  local layers="${1:-bronze silver gold}" layer ddl
  for layer in $layers; do
    for ddl in "$HERE"/schemas/"$layer"/*.ddl; do
      echo "$layer.$(basename "$ddl" .ddl)"
    done
  done
}

# Columns a rerun may change without the row changing (the `-- volatile:` headers: load times),
# as a regular expression for spark.sql.parser.quotedRegexColumnNames.
planwatch_value_columns_regex() {
  local volatile
  volatile="$(sed -n 's/^-- volatile: *//p' "$HERE"/schemas/*/*.ddl | tr ',' '\n' | sed 's/ //g' | sort -u | paste -sd'|')"
  echo "(?!(${volatile})\$).+"
}

# One SELECT: rows of table $1 in warehouse $2 that warehouse $3 lacks, and the reverse, counted
# with EXCEPT ALL (duplicates count) over every column but the volatile ones.
#   except_all_both_ways TABLE WAREHOUSE_A WAREHOUSE_B LABEL
except_all_both_ways() {
  local table="$1" a="$2/${1/.//}" b="$3/${1/.//}" label="$4" cols
  cols="\`$(planwatch_value_columns_regex)\`"
  echo "SELECT '$label' AS label, '$table' AS table_name," \
    "(SELECT count(*) FROM (SELECT $cols FROM delta.\`$a\` EXCEPT ALL SELECT $cols FROM delta.\`$b\`)) AS only_in_first," \
    "(SELECT count(*) FROM (SELECT $cols FROM delta.\`$b\` EXCEPT ALL SELECT $cols FROM delta.\`$a\`)) AS only_in_second"
}

# Runs SQL (from stdin) by path, on an empty scratch warehouse: no metastore, no table registration.
planwatch_sql_by_path() {
  local scratch="$1"
  mkdir -p "$scratch"
  "$HERE/bin/planwatch" sql --warehouse "$scratch" --metastore none --format csv \
    --conf spark.sql.parser.quotedRegexColumnNames=true --conf spark.sql.shuffle.partitions=1
}
