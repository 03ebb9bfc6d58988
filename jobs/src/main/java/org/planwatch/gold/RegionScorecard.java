package org.planwatch.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.planwatch.rules.ComparisonFormulas;
import org.planwatch.rules.ProgressRating;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;
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
   *
   * <p>A target counts at each date with its latest evaluation up to that date, and as not evaluable
   * before its first. Counted as changes: each evaluation adds its own ratings and takes away those of
   * the target's evaluation before it; the changes are summed per plan, region, category and date, and
   * a date's counts are the sums of the changes up to it. So the evaluations are sorted once, by target,
   * and no row is made per target and date (18 million at the bench's full size).
   */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate from) {
    WindowSpec byTarget = Window.partitionBy(col("plan_id"), col("region_code"), col("indicator_code")).orderBy(col("as_of"));
    Map<String, Column> now = ratingsCounted(col("progress_status"), col("moving_away"));
    // Before a target's first evaluation both are null: not evaluable, not moving away.
    Map<String, Column> before = ratingsCounted(lag(col("progress_status"), 1).over(byTarget), lag(col("moving_away"), 1).over(byTarget));
    List<Column> change = new ArrayList<>(List.of(col("plan_id"), col("region_code"), col("as_of"),
        // A target counts in the category of its first evaluation.
        first(coalesce(col("category_zh"), lit(UNCATEGORISED_ZH))).over(byTarget).as("category_zh"),
        first(coalesce(col("category_en"), lit(UNCATEGORISED_EN))).over(byTarget).as("category_en"),
        when(lag(col("as_of"), 1).over(byTarget).isNull(), 1).otherwise(0).as("new_targets")));
    List<Column> summed = new ArrayList<>(List.of(sum(col("new_targets")).as("new_targets")));
    for (String count : RATINGS) {
      change.add(now.get(count).minus(before.get(count)).as(count));
      summed.add(sum(col(count)).as(count));
    }
    List<String> category = List.of("plan_id", "region_code", "category_zh", "category_en");
    List<String> categoryAndDate = List.of("plan_id", "region_code", "category_zh", "category_en", "as_of");
    Dataset<Row> changes =
        progress.select(change.toArray(Column[]::new))
            .groupBy(Columns.of(categoryAndDate))
            .agg(summed.get(0), summed.subList(1, summed.size()).toArray(Column[]::new));

    Dataset<Row> plan =
        silver.get("plan").select(col("plan_id").as("_pp"), ActualSeries.yearEnd(col("base_year")).as("_from"),
            ActualSeries.yearEnd(col("period_end_year")).as("_to"));
    Dataset<Row> dates = ReachedDates.rowsFrom(progress, from).select(col("as_of")).distinct();
    // Every evaluation date within the plan's period, for each category of a region's plan.
    Dataset<Row> counted =
        changes.select(Columns.of(category)).distinct()
            .join(broadcast(plan), col("plan_id").equalTo(col("_pp")))
            .join(broadcast(dates), col("as_of").between(col("_from"), col("_to")))
            .select(Columns.of(categoryAndDate))
            .withColumn("_counted", lit(true));

    // At the same date the changes sort first: a date counts its own evaluations.
    WindowSpec byCategory = Window.partitionBy(Columns.of(category)).orderBy(col("as_of"), col("_counted"));
    Column targets = sum(col("new_targets")).over(byCategory.rowsBetween(Window.unboundedPreceding(), Window.unboundedFollowing()));
    List<Column> counts = new ArrayList<>(List.of(Columns.of(categoryAndDate)));
    counts.add(col("_counted"));
    counts.add(targets.cast("int").as("indicators"));
    for (String count : RATINGS) {
      // Zero before the first change (a sum of no rows is null).
      Column upToDate = coalesce(sum(col(count)).over(byCategory.rowsBetween(Window.unboundedPreceding(), Window.currentRow())), lit(0));
      // Every target is not evaluable until its first evaluation.
      counts.add((count.equals("not_evaluable") ? upToDate.plus(targets) : upToDate).cast("int").as(count));
    }
    // Held: read twice, by category and summed for all.
    Dataset<Row> byCategoryAndDate =
        changes.withColumn("_counted", lit(false)).unionByName(counted, true)
            .select(counts.toArray(Column[]::new))
            .where(col("_counted"))
            .drop("_counted")
            .transform(HeldRows::of);
    List<Column> allCategories = new ArrayList<>();
    for (String count : COUNTS) {
      allCategories.add(sum(col(count)).cast("int").as(count));
    }
    Dataset<Row> all =
        byCategoryAndDate.groupBy(col("plan_id"), col("region_code"), col("as_of"))
            .agg(allCategories.get(0), allCategories.subList(1, allCategories.size()).toArray(Column[]::new))
            .withColumn("category_zh", lit(ALL_ZH)).withColumn("category_en", lit(ALL_EN));
    Dataset<Row> region =
        silver.get("region").select(col("region_code").as("_rc"), col("name_zh").as("region_name_zh"), col("name_en").as("region_name_en"),
            col("level").as("region_level"), col("parent_code"));
    Column indicators = col("indicators");
    Dataset<Row> rows =
        byCategoryAndDate.unionByName(all)
            .join(broadcast(region), col("region_code").equalTo(col("_rc")), "left")
            .withColumn("share_ahead", ComparisonFormulas.share(col("ahead"), indicators))
            .withColumn("share_normal", ComparisonFormulas.share(col("normal"), indicators))
            .withColumn("share_slow", ComparisonFormulas.share(col("slow"), indicators))
            .withColumn("share_not_evaluable", ComparisonFormulas.share(col("not_evaluable"), indicators))
            .withColumn("share_moving_away", ComparisonFormulas.share(col("moving_away"), indicators))
            .withColumn("share_on_track_of_evaluated", ComparisonFormulas.share(col("ahead").plus(col("normal")), col("evaluated")));
    return GoldColumns.select(rows, SCHEMA);
  }

  /** The counts a target's rating changes, in the table's order: named where they are defined, by {@link #ratingsCounted}. */
  private static final List<String> RATINGS = List.copyOf(ratingsCounted(lit(null), lit(null)).keySet());

  /** Every count of a row. */
  private static final List<String> COUNTS = java.util.stream.Stream.concat(java.util.stream.Stream.of("indicators"), RATINGS.stream()).toList();

  /** 1 where a target with this rating counts, else 0, for each of {@link #RATINGS}, in the table's order. */
  private static Map<String, Column> ratingsCounted(Column status, Column movingAway) {
    Map<String, Column> counted = new java.util.LinkedHashMap<>();
    counted.put("evaluated", oneIf(status.isNotNull()));
    counted.put("ahead", oneIf(status.equalTo(ProgressRating.Status.AHEAD.code())));
    counted.put("normal", oneIf(status.equalTo(ProgressRating.Status.NORMAL.code())));
    counted.put("slow", oneIf(status.equalTo(ProgressRating.Status.SLOW.code())));
    counted.put("not_evaluable", oneIf(status.isNull()));
    counted.put("moving_away", oneIf(coalesce(movingAway, lit(false))));
    return counted;
  }

  private static Column oneIf(Column condition) {
    return when(condition, 1).otherwise(0);
  }
}
