package org.planwatch.delta;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.HeldRows;

/**
 * How new rows differ from a table's current rows, by key, found in one full outer join: the rows to
 * insert, to update and the keys to delete, each marked in {@link #CHANGE}. The MERGE then joins the
 * table with these changes only, not with every new row.
 */
final class Difference implements AutoCloseable {
  /** The column that says what to do with a change row: insert, update or delete. */
  static final String CHANGE = "_change";

  private final Dataset<Row> changes;
  final long inserted;
  final long updated;
  final long deleted;

  private Difference(Dataset<Row> changes, long inserted, long updated, long deleted) {
    this.changes = changes;
    this.inserted = inserted;
    this.updated = updated;
    this.deleted = deleted;
  }

  boolean any() {
    return inserted + updated + deleted > 0;
  }

  /** The change rows: the table's columns plus {@link #CHANGE}; held until {@link #close}. */
  Dataset<Row> changes() {
    return changes;
  }

  static Difference of(Dataset<Row> source, Dataset<Row> current, TableSchema table) {
    Dataset<Row> s = source.withColumn("_in_source", lit(true)).alias("s");
    Dataset<Row> t = current.withColumn("_in_target", lit(true)).alias("t");
    Column on = keysMatch(table, "s", "t");
    Column inSource = col("s._in_source").isNotNull();
    Column inTarget = col("t._in_target").isNotNull();
    Column changed = table.valueColumns().isEmpty() ? lit(false) : expr(changedCondition(table));
    Column change = when(inSource.and(inTarget.unary_$bang()), lit("insert"))
        .when(inSource.and(inTarget).and(changed), lit("update"))
        .when(inTarget.and(inSource.unary_$bang()), lit("delete"));
    List<Column> columns = new ArrayList<>();
    for (String c : table.columnNames()) {
      // A deleted key comes from the table; everything else is tonight's row.
      columns.add(when(inSource, col("s." + c)).otherwise(col("t." + c)).as(c));
    }
    columns.add(change.as(CHANGE));
    // Held outside Spark's cache of DataFrames (a local checkpoint, HeldRows): a cached DataFrame that reads
    // the table is planned again, Delta's file listing of the new version included, after every write
    // to it (CacheManager.recacheByPlan, which Delta's MERGE and appends call): 11% of the driver's time
    // of a served night that revised one actual (docs/performance.md, thirty-second session).
    HeldRows.Counted held = HeldRows.counted(
        s.join(t, on, "full_outer").select(columns.toArray(Column[]::new)).where(col(CHANGE).isNotNull()));
    Dataset<Row> changes = held.rows();
    long inserted = 0;
    long updated = 0;
    long deleted = 0;
    // At most three rows: one per kind of change; none to count when nothing changed.
    for (Row r : held.count() == 0 ? List.<Row>of() : changes.groupBy(CHANGE).count().collectAsList()) {
      switch (r.getString(0)) {
        case "insert" -> inserted = r.getLong(1);
        case "update" -> updated = r.getLong(1);
        default -> deleted = r.getLong(1);
      }
    }
    return new Difference(changes, inserted, updated, deleted);
  }

  /** The key columns of {@code left} and {@code right} (aliases) equal, nulls equal to nulls. */
  static Column keysMatch(TableSchema table, String left, String right) {
    Column on = null;
    for (String k : table.keys()) {
      Column eq = col(left + "." + k).eqNullSafe(col(right + "." + k));
      on = on == null ? eq : on.and(eq);
    }
    return on;
  }

  /** True for a matched pair whose value columns differ (volatile columns such as load times do not count). */
  private static String changedCondition(TableSchema table) {
    return table.valueColumns().stream().map(c -> "NOT (t." + c + " <=> s." + c + ")").collect(Collectors.joining(" OR "));
  }

  @Override
  public void close() {
    ((LogicalRDD) changes.logicalPlan()).rdd().unpersist(false);
  }
}
