package org.planwatch.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.planwatch.rules.ComparisonFormulas;
import org.planwatch.rules.ProgressRating;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.HeldRows;

/**
 * gold.region_scorecard: the ratings of gold.indicator_progress counted per plan, region, date and
 * category, plus a row for all categories (全部). The dates are those of every evaluation in the
 * warehouse that fall within a plan's period (from its base year end to its target year end), so
 * regions are counted at the same dates and can be ranked.
 */
public final class RegionScorecard {
  public static final TableSchema SCHEMA = Schemas.of("gold.region_scorecard");
  public static final String ALL_ZH = "全部";
  public static final String ALL_EN = "All";
  public static final String UNCATEGORISED_ZH = "未分类";
  public static final String UNCATEGORISED_EN = "Uncategorised";

  /** The columns of gold.indicator_progress read here. */
  public static final List<String> PROGRESS_COLUMNS =
      List.of("plan_id", "region_code", "indicator_code", "as_of", "category_zh", "category_en", "progress_status", "moving_away");

  private RegionScorecard() {}

  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> progress) {
    return build(silver, progress, null);
  }

  /**
   * The rows dated {@code from} or later only ({@link ReachedDates}); null for every date. {@code progress}
   * holds at least each target's latest evaluation before it, which a later date carries
   * ({@link ReachedDates#evaluationsReadFrom}); earlier ones change nothing.
   */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate from) {
    Dataset<Row> targets =
        progress.withColumn("_n", row_number().over(Window.partitionBy(col("plan_id"), col("region_code"), col("indicator_code")).orderBy(col("as_of"))))
            .where(col("_n").equalTo(1))
            .select(col("plan_id"), col("region_code"), col("indicator_code"),
                coalesce(col("category_zh"), lit(UNCATEGORISED_ZH)).as("category_zh"), coalesce(col("category_en"), lit(UNCATEGORISED_EN)).as("category_en"));
    Dataset<Row> plan =
        silver.get("plan").select(col("plan_id").as("_pp"), make_date(col("base_year"), lit(12), lit(31)).as("_from"),
            make_date(col("period_end_year"), lit(12), lit(31)).as("_to"));
    Dataset<Row> dates = ReachedDates.rowsFrom(progress, from).select(col("as_of")).distinct();
    Dataset<Row> grid =
        targets.join(broadcast(plan), col("plan_id").equalTo(col("_pp")))
            .join(dates, col("as_of").between(col("_from"), col("_to")))
            .drop("_pp", "_from", "_to");
    List<String> target = List.of("plan_id", "region_code", "indicator_code");
    // Held: counted twice, by category and for all.
    Dataset<Row> latest =
        LatestEvaluation.upTo(grid, target, "as_of", progress, target, "as_of", List.of("progress_status", "moving_away"))
            .transform(HeldRows::of);

    Dataset<Row> byCategory = counts(latest.groupBy(col("plan_id"), col("region_code"), col("as_of"), col("category_zh"), col("category_en")));
    Dataset<Row> all = counts(latest.groupBy(col("plan_id"), col("region_code"), col("as_of")))
        .withColumn("category_zh", lit(ALL_ZH)).withColumn("category_en", lit(ALL_EN));
    Dataset<Row> region =
        silver.get("region").select(col("region_code").as("_rc"), col("name_zh").as("region_name_zh"), col("name_en").as("region_name_en"),
            col("level").as("region_level"), col("parent_code"));
    Column indicators = col("indicators");
    Dataset<Row> rows =
        byCategory.unionByName(all)
            .join(broadcast(region), col("region_code").equalTo(col("_rc")), "left")
            .withColumn("share_ahead", ComparisonFormulas.share(col("ahead"), indicators))
            .withColumn("share_normal", ComparisonFormulas.share(col("normal"), indicators))
            .withColumn("share_slow", ComparisonFormulas.share(col("slow"), indicators))
            .withColumn("share_not_evaluable", ComparisonFormulas.share(col("not_evaluable"), indicators))
            .withColumn("share_moving_away", ComparisonFormulas.share(col("moving_away"), indicators))
            .withColumn("share_on_track_of_evaluated", ComparisonFormulas.share(col("ahead").plus(col("normal")), col("evaluated")));
    return GoldColumns.select(rows, SCHEMA);
  }

  private static Dataset<Row> counts(org.apache.spark.sql.RelationalGroupedDataset grouped) {
    Column status = col("progress_status");
    return grouped.agg(
        count(lit(1)).cast("int").as("indicators"),
        count(status).cast("int").as("evaluated"),
        count(when(status.equalTo(ProgressRating.Status.AHEAD.code()), 1)).cast("int").as("ahead"),
        count(when(status.equalTo(ProgressRating.Status.NORMAL.code()), 1)).cast("int").as("normal"),
        count(when(status.equalTo(ProgressRating.Status.SLOW.code()), 1)).cast("int").as("slow"),
        count(when(status.isNull(), 1)).cast("int").as("not_evaluable"),
        count(when(coalesce(col("moving_away"), lit(false)), 1)).cast("int").as("moving_away"));
  }
}
