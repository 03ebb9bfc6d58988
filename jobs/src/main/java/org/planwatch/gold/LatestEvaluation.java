package org.planwatch.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * "Its latest evaluation up to this date": for each row of a grid (a target and a date), the columns of
 * the target's evaluation with the latest date not after the row's date, or nulls when there is none
 * yet. Found in one pass over the grid and the evaluations sorted by date within each target, so the
 * cost follows the number of rows, not (dates x evaluations) as a join on {@code evaluated <= date} would.
 */
final class LatestEvaluation {
  private LatestEvaluation() {}

  /**
   * @param grid rows to complete, with the target's key in {@code gridKey} and the date in {@code gridDate}
   * @param evaluations rows with the target's key in {@code evaluationKey} (same order), the date of the evaluation
   *     in {@code evaluationDate} and at most one row per key and date
   * @param carried the columns of {@code evaluations} to add to each grid row
   */
  static Dataset<Row> upTo(Dataset<Row> grid, List<String> gridKey, String gridDate,
      Dataset<Row> evaluations, List<String> evaluationKey, String evaluationDate, List<String> carried) {
    StructType gridRow = grid.schema();
    StructType evaluationRow = evaluations.select(carried.stream().map(evaluations::col).toArray(Column[]::new)).schema();
    Dataset<Row> gridSide = grid.select(side(grid, gridKey, gridDate, 1,
        struct(grid.col("*")).as("_grid"), lit(null).cast(evaluationRow).as("_evaluation")));
    Dataset<Row> evaluationSide = evaluations.select(side(evaluations, evaluationKey, evaluationDate, 0,
        lit(null).cast(gridRow).as("_grid"), struct(carried.stream().map(evaluations::col).toArray(Column[]::new)).as("_evaluation")));
    Column[] key = new Column[gridKey.size()];
    for (int i = 0; i < key.length; i++) {
      key[i] = col("_k" + i);
    }
    // At the same date the evaluation sorts first, so a grid row sees the evaluation of its own date.
    Column latest = last(col("_evaluation"), true)
        .over(Window.partitionBy(key).orderBy(col("_date"), col("_side")).rowsBetween(Window.unboundedPreceding(), Window.currentRow()));
    return gridSide.unionByName(evaluationSide)
        .withColumn("_latest", latest)
        .where(col("_side").equalTo(1))
        .select(col("_grid.*"), col("_latest.*"));
  }

  private static Column[] side(Dataset<Row> rows, List<String> key, String date, int side, Column gridColumn, Column evaluationColumn) {
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      out.add(rows.col(key.get(i)).as("_k" + i));
    }
    out.add(rows.col(date).as("_date"));
    out.add(lit(side).as("_side"));
    out.add(gridColumn);
    out.add(evaluationColumn);
    return out.toArray(Column[]::new);
  }
}
