package org.planwatch.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.HeldRows;

/**
 * Rows on their way from bronze to silver, each carrying the list of what is wrong with it. Checks
 * add to the list; {@link #split} sends rows with an empty list to silver and every problem of the
 * others to quarantine, one row per problem, with the file, line, field, value and reason.
 */
public final class Checked {
  static final String ERRORS = "_errors";
  static final String RECORD = "_record";
  /** How the reason of a duplicate row begins: a later row with the key of an earlier one. */
  static final String DUPLICATE = "duplicate key (";
  static final StructType ERROR =
      new StructType().add("field", DataTypes.StringType).add("value", DataTypes.StringType).add("reason", DataTypes.StringType);

  private static final Column NONE = array().cast(new ArrayType(ERROR, true));

  private final String table;
  private final Dataset<Row> rows;
  /**
   * One expression per check: an array of its one problem struct, or an empty array. They stay
   * expressions until {@link #split} adds them in a single projection: a withColumn per check would
   * re-analyse the growing plan each time, and nesting them would grow the expression exponentially.
   * Arrays, not nullable structs, so that {@code flatten} gathers them: filtering out the nulls took a
   * lambda, which Spark runs without generated code, and with it every check (a third of the silver
   * stage's CPU).
   */
  private final List<Column> problems;

  Checked(String table, Dataset<Row> rows) {
    this(table, rows, List.of());
  }

  private Checked(String table, Dataset<Row> rows, List<Column> problems) {
    this.table = table;
    this.rows = rows;
    this.problems = problems;
  }

  public Dataset<Row> rows() {
    return rows;
  }

  /** Adds a problem to every row where {@code bad} is true. */
  public Checked check(Column bad, String field, Column value, Column reason) {
    Column problem = when(bad, array(struct(lit(field).as("field"), value.cast("string").as("value"), reason.as("reason")))).otherwise(NONE);
    List<Column> all = new ArrayList<>(problems);
    all.add(problem);
    return new Checked(table, rows, all);
  }

  /** Adds the reason a column expression returns (null means fine). */
  public Checked checkReason(Column reason, String field, Column value) {
    return check(reason.isNotNull(), field, value, reason);
  }

  /**
   * Replaces the rows by a transformation (a join, a derived column). It must keep every column a
   * pending check refers to: helper columns are simply left in place, {@link #split} selects the
   * silver columns at the end.
   */
  public Checked with(java.util.function.UnaryOperator<Dataset<Row>> transform) {
    return new Checked(table, transform.apply(rows), problems);
  }

  /**
   * Rows whose {@code fields} match no row of {@code known} on {@code knownColumns} get {@code reason}.
   * Rows with a null in any of the fields are left to the required-field checks.
   */
  public Checked requireKnown(List<String> fields, Dataset<Row> known, List<String> knownColumns, String reason) {
    String flag = "_known_" + problems.size() + "_" + String.join("_", fields);
    Dataset<Row> keys = known.select(knownColumns.stream().map(known::col).toArray(Column[]::new)).distinct();
    for (int i = 0; i < knownColumns.size(); i++) {
      keys = keys.withColumnRenamed(knownColumns.get(i), "_k" + i);
    }
    keys = keys.withColumn(flag, lit(true));
    Column on = null;
    Column anyNull = lit(false);
    for (int i = 0; i < fields.size(); i++) {
      Column eq = rows.col(fields.get(i)).equalTo(keys.col("_k" + i));
      on = on == null ? eq : on.and(eq);
      anyNull = anyNull.or(rows.col(fields.get(i)).isNull());
    }
    Dataset<Row> joined = rows.join(broadcast(keys), on, "left");
    for (int i = 0; i < knownColumns.size(); i++) {
      joined = joined.drop("_k" + i);
    }
    Column value = fields.size() == 1 ? col(fields.get(0)) : concat_ws("/", fields);
    return new Checked(table, joined, problems).check(col(flag).isNull().and(anyNull.unary_$bang()), fields.get(0), value, lit(reason));
  }

  /** Rows per task when keys are counted for repeats: a task's hash map of keys then fits its memory. */
  private static final long ROWS_PER_KEY_COUNT = 500_000;

  /**
   * Whether any value of {@code key} is in more than one of {@code rows} (about {@code count}). Past
   * {@link #ROWS_PER_KEY_COUNT} the rows are first spread by key over enough tasks: counted where they
   * lie, every key is distinct, so each task built a map of all its rows' keys and spilled it (18
   * million observations: 20 s, 10 s spread over 36 tasks).
   */
  private static boolean repeats(Dataset<Row> rows, long count, Column... key) {
    return repeats(rows, (int) Math.min(Integer.MAX_VALUE, (count + ROWS_PER_KEY_COUNT - 1) / ROWS_PER_KEY_COUNT), key);
  }

  /** Whether any value of {@code key} is in more than one of {@code rows}, counted in {@code tasks} tasks (1: where the rows lie). */
  static boolean repeats(Dataset<Row> rows, int tasks, Column... key) {
    Dataset<Row> spread = tasks > 1 ? rows.repartition(tasks, key) : rows;
    return !spread.groupBy(key).count().where(col("count").gt(1)).isEmpty();
  }

  /**
   * {@code clean} rows with their raw records, which the held rows keep only for rows with a problem:
   * read again for the few found to repeat a key, by file and line.
   */
  private Dataset<Row> withRecords(Dataset<Row> clean) {
    Dataset<Row> records =
        rows.select(col("input_file").as("_rf"), col("input_line").as("_rl"), col(RECORD).as("_rr")).dropDuplicates("_rf", "_rl");
    return clean.drop(RECORD)
        .join(records, col("input_file").equalTo(col("_rf")).and(col("input_line").equalTo(col("_rl"))), "left")
        .withColumnRenamed("_rr", RECORD)
        .drop("_rf", "_rl");
  }

  private static Column concat_ws(String sep, List<String> fields) {
    return org.apache.spark.sql.functions.concat_ws(sep, fields.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** The outcome: valid rows in the silver columns, and the quarantined problems. */
  public record Outcome(Dataset<Row> valid, Dataset<Row> quarantine) {}

  /**
   * Among rows without other problems, a second row with the same key is a duplicate: the first by
   * file and line is kept, later ones are quarantined naming the first.
   */
  public Outcome split(TableSchema silver) {
    return split(silver, java.util.function.UnaryOperator.identity());
  }

  /**
   * As {@link #split(TableSchema)}, with {@code conform} applied to the valid rows before they take
   * the silver columns: derivations such as applying revisions run after the checks, which test the
   * values as read.
   */
  public Outcome split(TableSchema silver, java.util.function.UnaryOperator<Dataset<Row>> conform) {
    List<String> carried = new ArrayList<>(silver.columnNames());
    carried.add(RECORD);
    Column errors =
        problems.isEmpty() ? NONE : flatten(array(problems.toArray(Column[]::new)));
    List<Column> select = new ArrayList<>();
    List<Column> held = new ArrayList<>();
    for (String c : carried) {
      if (java.util.Arrays.asList(rows.columns()).contains(c)) {
        select.add(col(c));
        // The raw record only for the rows quarantined: it doubled the held rows (18 million at full size).
        held.add(c.equals(RECORD) ? when(size(col(ERRORS)).gt(0), col(RECORD)).as(RECORD) : col(c));
      }
    }
    select.add(errors.as(ERRORS));
    held.add(col(ERRORS));
    HeldRows.Counted counted = HeldRows.counted(rows.select(select.toArray(Column[]::new)).select(held.toArray(Column[]::new)));
    Dataset<Row> all = counted.rows();
    Dataset<Row> clean = all.where(size(col(ERRORS)).equalTo(0));
    Dataset<Row> bad = all.where(size(col(ERRORS)).gt(0));
    List<Column> keys = new ArrayList<>();
    for (String k : silver.keys()) {
      keys.add(col(k));
    }
    // A key given twice is rare: the keys are counted first, and the rows are ranked by file and line only
    // when one repeats. Ranking every row sorted them all, once for the silver rows and again for the
    // quarantine. Counted by a 64-bit hash of the key (one long moves, not six texts and dates); only a
    // repeated hash, a repeated key or a rare collision, has the keys themselves counted.
    boolean anyRepeated = repeats(clean, counted.count(), xxhash64(keys.toArray(Column[]::new)))
        && repeats(clean, counted.count(), keys.toArray(Column[]::new));
    Dataset<Row> valid;
    Dataset<Row> rejected = bad;
    if (anyRepeated) {
      WindowSpec byKey = Window.partitionBy(keys.toArray(Column[]::new)).orderBy(col("input_file"), col("input_line"));
      Dataset<Row> ranked =
          clean
              .withColumn("_rank", row_number().over(byKey))
              .withColumn("_first", first(format_string("%s:%d", col("input_file"), col("input_line"))).over(byKey));
      Column keyText = org.apache.spark.sql.functions.concat_ws(", ", silver.keys().stream().map(k -> org.apache.spark.sql.functions.concat(lit(k + "="), org.apache.spark.sql.functions.coalesce(col(k).cast("string"), lit("")))).toArray(Column[]::new));
      Dataset<Row> duplicates =
          ranked.where(col("_rank").gt(1))
              .withColumn(ERRORS, array(struct(lit(silver.keys().get(0)).as("field"), keyText.as("value"),
                  concat(lit(DUPLICATE + String.join(", ", silver.keys()) + "): first given at "), col("_first")).as("reason"))))
              .drop("_rank", "_first");
      valid = conform.apply(ranked.where(col("_rank").equalTo(1)).drop("_rank", "_first"));
      rejected = bad.unionByName(withRecords(duplicates));
    } else {
      valid = conform.apply(clean);
    }
    Dataset<Row> quarantine =
        rejected
            .select(col("input_file"), col("input_line"), col(RECORD), explode(col(ERRORS)).as("e"))
            .select(
                lit(table).as("table_name"),
                col("input_file"),
                col("input_line"),
                col("e.field").as("field"),
                col("e.value").as("value"),
                col("e.reason").as("reason"),
                to_json(col(RECORD)).as("record"));
    List<Column> silverColumns = new ArrayList<>();
    for (String c : silver.columnNames()) {
      silverColumns.add(col(c).cast(silver.field(c).dataType()).as(c));
    }
    return new Outcome(valid.select(silverColumns.toArray(Column[]::new)), quarantine);
  }
}
