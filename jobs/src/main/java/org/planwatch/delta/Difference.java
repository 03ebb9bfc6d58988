package org.planwatch.delta;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.schema.TableSchema;

/** How new rows differ from a table's current rows, by key: counted in one join. */
record Difference(long sourceRows, long inserted, long updated, long deleted) {

  boolean any() {
    return inserted + updated + deleted > 0;
  }

  /** True for a matched pair whose value columns differ (volatile columns such as load times do not count). */
  static String changedCondition(TableSchema table) {
    return table.valueColumns().stream().map(c -> "NOT (t." + c + " <=> s." + c + ")").collect(Collectors.joining(" OR "));
  }

  static Difference of(Dataset<Row> source, Dataset<Row> current, TableSchema table) {
    Dataset<Row> s = source.withColumn("_in_source", lit(true)).alias("s");
    Dataset<Row> t = current.withColumn("_in_target", lit(true)).alias("t");
    Column on = null;
    for (String k : table.keys()) {
      Column eq = col("s." + k).eqNullSafe(col("t." + k));
      on = on == null ? eq : on.and(eq);
    }
    Column inSource = col("s._in_source").isNotNull();
    Column inTarget = col("t._in_target").isNotNull();
    Column changed = table.valueColumns().isEmpty() ? lit(false) : expr(changedCondition(table));
    Row counts =
        s.join(t, on, "full_outer")
            .agg(
                count(when(inSource, 1)),
                count(when(inSource.and(inTarget.unary_$bang()), 1)),
                count(when(inSource.and(inTarget).and(changed), 1)),
                count(when(inTarget.and(inSource.unary_$bang()), 1)))
            .first();
    return new Difference(counts.getLong(0), counts.getLong(1), counts.getLong(2), counts.getLong(3));
  }
}
