package org.planwatch.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.planwatch.rules.ComparisonFormulas;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;

/**
 * gold.district_city_comparison: every row of silver.indicator_crosswalk at every evaluation date
 * of the city plan and its districts' plans, with both sides' targets and latest evaluation from
 * gold.indicator_progress, and the comparison of {@link ComparisonFormulas}. A district is added by
 * adding its rows to datasets/ (regions, plans, indicators, plan_targets, observations,
 * indicator_crosswalk): nothing here names a region.
 */
public final class DistrictCityComparison {
  public static final TableSchema SCHEMA = Schemas.of("gold.district_city_comparison");

  /** Per target, the columns that do not change with the evaluation date. */
  private static final List<String> STATIC =
      List.of("indicator_name_zh", "indicator_name_en", "unit", "category_zh", "category_en", "target_kind", "direction", "growth_model",
          "base_value", "target_value", "target_text", "planned_growth_rate", "planned_cagr", "planned_annual_increment");

  /** Per target and date, the latest evaluation. */
  private static final List<String> DYNAMIC =
      List.of("actual_value", "achievement_rate", "elapsed_share", "progress_status", "not_evaluable_reason");

  /** The columns of gold.indicator_progress read here. */
  public static final List<String> PROGRESS_COLUMNS =
      java.util.stream.Stream.of(List.of("plan_id", "region_code", "indicator_code", "as_of"), STATIC, DYNAMIC)
          .flatMap(List::stream).distinct().toList();

  private DistrictCityComparison() {}

  /**
   * @param silver valid silver tables by unqualified name
   * @param progress gold.indicator_progress rows of this run (every date up to the run date)
   */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> progress) {
    return finished(wide(silver, progress));
  }

  /** The {@link #wide} rows in the table's columns, as written. */
  public static Dataset<Row> finished(Dataset<Row> wide) {
    return GoldColumns.select(wide, SCHEMA);
  }

  /** Every column the formulas read and produce, before the table's selection: gold.plan_consistency sums it. */
  public static Dataset<Row> wide(Map<String, Dataset<Row>> silver, Dataset<Row> progress) {
    return wide(silver, progress, null);
  }

  /**
   * The wide rows dated {@code from} or later only ({@link ReachedDates}); null for every date.
   * {@code progress} holds at least each target's latest evaluation before it, which a later date carries
   * ({@link ReachedDates#evaluationsReadFrom}); earlier ones change nothing.
   */
  public static Dataset<Row> wide(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate from) {
    Dataset<Row> rows = evaluationRows(silver, progress, from);
    rows = withSide(rows, "city", silver, progress);
    rows = withSide(rows, "district", silver, progress);
    List<Column> all = new ArrayList<>();
    all.add(col("*"));
    all.addAll(ComparisonFormulas.columns());
    rows = rows.select(all.toArray(Column[]::new))
        .withColumn("indicator_name_en", coalesce(col("city_indicator_name_en"), col("district_indicator_name_en")))
        .withColumn("category_zh", coalesce(col("city_category_zh"), col("district_category_zh")))
        .withColumn("category_en", coalesce(col("city_category_en"), col("district_category_en")));
    // Without a crosswalk pair there is no row, but the plan would still rank every evaluation for the
    // static columns; a limit of 0 keeps the columns and is planned as an empty relation.
    return silver.get("indicator_crosswalk").isEmpty() ? rows.limit(0) : rows;
  }

  /**
   * The crosswalk pairs with their regions, at every date on which the city plan or any of its
   * crosswalked district plans has an evaluation: one set of dates per city plan, so that all its
   * districts line up (gold.plan_consistency sums them by date).
   */
  static Dataset<Row> evaluationRows(Map<String, Dataset<Row>> silver, Dataset<Row> progress) {
    return evaluationRows(silver, progress, null);
  }

  private static Dataset<Row> evaluationRows(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate from) {
    Dataset<Row> plan = silver.get("plan").select(col("plan_id"), col("region_code"));
    Dataset<Row> region = silver.get("region").select(col("region_code"), col("name_zh"), col("name_en"));
    Dataset<Row> pairs =
        silver.get("indicator_crosswalk")
            .withColumnRenamed("note", "crosswalk_note")
            .join(broadcast(plan.select(col("plan_id").as("_cp"), col("region_code").as("city_code"))), col("city_plan_id").equalTo(col("_cp")))
            .join(broadcast(plan.select(col("plan_id").as("_dp"), col("region_code").as("district_code"))), col("district_plan_id").equalTo(col("_dp")))
            .join(broadcast(region.select(col("region_code").as("_cr"), col("name_zh").as("city_name_zh"))), col("city_code").equalTo(col("_cr")))
            .join(broadcast(region.select(col("region_code").as("_dr"), col("name_zh").as("district_name_zh"), col("name_en").as("district_name_en"))),
                col("district_code").equalTo(col("_dr")))
            .drop("_cp", "_dp", "_cr", "_dr");
    Dataset<Row> plansOfCity =
        pairs.select(col("city_plan_id"), col("city_plan_id").as("_member"))
            .union(pairs.select(col("city_plan_id"), col("district_plan_id").as("_member")))
            .distinct();
    Dataset<Row> dates =
        plansOfCity.join(ReachedDates.rowsFrom(progress, from).select(col("plan_id"), col("as_of")).distinct(), col("_member").equalTo(col("plan_id")))
            .select(col("city_plan_id").as("_dates_city_plan"), col("as_of"))
            .distinct();
    return pairs.join(dates, col("city_plan_id").equalTo(col("_dates_city_plan"))).drop("_dates_city_plan");
  }

  /**
   * Adds {@code side}_* columns: the target's static columns, its is_additive and plan years, and its
   * latest evaluation with as_of up to the row's date.
   */
  static Dataset<Row> withSide(Dataset<Row> rows, String side, Map<String, Dataset<Row>> silver, Dataset<Row> progress) {
    String planId = side + "_plan_id";
    String indicator = side + "_indicator_code";
    String region = side + "_code";
    // One row per target for the static columns (they are equal at every date).
    Dataset<Row> firstRow =
        progress.withColumn("_n", row_number().over(Window.partitionBy(col("plan_id"), col("region_code"), col("indicator_code")).orderBy(col("as_of"))))
            .where(col("_n").equalTo(1));
    List<Column> staticColumns = new ArrayList<>();
    staticColumns.add(col("plan_id").as("_sp"));
    staticColumns.add(col("region_code").as("_sr"));
    staticColumns.add(col("indicator_code").as("_si"));
    for (String c : STATIC) {
      staticColumns.add(col(c).as(side + "_" + c));
    }
    Dataset<Row> statics = firstRow.select(staticColumns.toArray(Column[]::new));
    Dataset<Row> indicatorInfo =
        silver.get("indicator").select(col("plan_id").as("_ip"), col("indicator_code").as("_ii"), col("is_additive").as(side + "_is_additive"));
    Dataset<Row> planInfo =
        silver.get("plan").select(col("plan_id").as("_pp"),
            col("period_end_year").minus(col("period_start_year")).plus(1).as(side + "_plan_years"));

    Dataset<Row> withStatic =
        rows.join(statics, col(planId).equalTo(col("_sp")).and(col(region).equalTo(col("_sr"))).and(col(indicator).equalTo(col("_si"))), "left")
            .join(broadcast(indicatorInfo), col(planId).equalTo(col("_ip")).and(col(indicator).equalTo(col("_ii"))), "left")
            .join(broadcast(planInfo), col(planId).equalTo(col("_pp")), "left")
            .drop("_sp", "_sr", "_si", "_ip", "_ii", "_pp");

    // Latest evaluation of the target up to each row's date.
    List<Column> dynamicColumns = new ArrayList<>();
    dynamicColumns.add(col("plan_id").as("_lp"));
    dynamicColumns.add(col("region_code").as("_lr"));
    dynamicColumns.add(col("indicator_code").as("_li"));
    dynamicColumns.add(col("as_of").as("_evaluated_at"));
    // A placeholder row (no actual yet) sits at the base date: its date is not an actual's.
    dynamicColumns.add(when(col("actual_value").isNotNull(), col("as_of")).as(side + "_actual_as_of"));
    for (String c : DYNAMIC) {
      dynamicColumns.add(col(c).as(side + "_" + c));
    }
    Dataset<Row> evaluations = progress.select(dynamicColumns.toArray(Column[]::new));
    List<String> carried = new ArrayList<>();
    carried.add(side + "_actual_as_of");
    for (String c : DYNAMIC) {
      carried.add(side + "_" + c);
    }
    return LatestEvaluation.upTo(withStatic, List.of(planId, region, indicator), "as_of",
        evaluations, List.of("_lp", "_lr", "_li"), "_evaluated_at", carried);
  }
}
