package org.planwatch.gold;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.rules.ComparisonFormulas;
import org.planwatch.rules.Vocabulary;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;

/**
 * gold.plan_consistency: for every additive indicator of a city plan with a crosswalk, and every
 * date of gold.district_city_comparison, the loaded districts' bases, planned end values and actuals
 * summed against the city's. With every district and county loaded the sums must match the city's
 * and the difference is the finding; with only some loaded, the coverage says how much of the city
 * they are and {@link ComparisonFormulas#pace} what the others must deliver.
 */
public final class PlanConsistency {
  public static final TableSchema SCHEMA = Schemas.of("gold.plan_consistency");

  private PlanConsistency() {}

  /** @param comparison the wide rows of {@link DistrictCityComparison#wide} */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> comparison) {
    Column loaded = col("comparability").equalTo(Vocabulary.Comparability.SAME_DEFINITION.code()).and(col("district_is_additive"));
    Column sameDate = col("district_actual_as_of").equalTo(col("city_actual_as_of"));
    List<Column> aggregates = new ArrayList<>();
    for (String c : List.of("city_code", "city_name_zh", "city_indicator_name_zh", "city_indicator_name_en", "city_unit", "city_base_value",
        "city_planned_end_value", "city_actual_value", "city_actual_as_of", "city_growth_model", "city_target_kind", "city_plan_years",
        "city_direction")) {
      aggregates.add(first(col(c), true).as(c));
    }
    aggregates.add(countDistinct(when(loaded, col("district_code"))).as("districts_loaded"));
    aggregates.add(array_join(sort_array(collect_set(when(loaded, concat(col("district_name_zh"), lit(" ("), col("district_code"), lit(")"))))), ", ")
        .as("districts_loaded_names"));
    aggregates.add(count(when(loaded.and(col("district_base_value").isNotNull()), 1)).as("_base_n"));
    aggregates.add(sum(when(loaded, col("district_base_value"))).as("_base_sum"));
    aggregates.add(count(when(loaded.and(col("district_planned_end_value").isNotNull()), 1)).as("_end_n"));
    aggregates.add(sum(when(loaded, col("district_planned_end_value"))).as("_end_sum"));
    aggregates.add(count(when(loaded.and(col("district_actual_value").isNotNull()).and(sameDate), 1)).as("_actual_n"));
    aggregates.add(sum(when(loaded.and(sameDate), col("district_actual_value"))).as("_actual_sum"));
    Dataset<Row> sums =
        comparison.where(col("city_is_additive").and(col("city_indicator_code").isNotNull()))
            .groupBy(col("city_plan_id"), col("city_indicator_code").as("indicator_code"), col("as_of"))
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));

    Dataset<Row> children =
        silver.get("region").where(col("level").isin("district", "county"))
            .groupBy(col("parent_code").as("_parent")).agg(count(lit(1)).cast("int").as("districts_in_city"));

    Column n = col("districts_loaded");
    Column every = n.gt(0);
    Column baseSum = when(every.and(col("_base_n").equalTo(n)), col("_base_sum"));
    Column endSum = when(every.and(col("_end_n").equalTo(n)), col("_end_sum"));
    Column actualSum = when(every.and(col("_actual_n").equalTo(n)).and(col("city_actual_value").isNotNull()), col("_actual_sum"));
    Column cityBase = col("city_base_value");
    Column cityEnd = col("city_planned_end_value");
    Column measure = ComparisonFormulas.paceMeasure("city");
    Column restBase = cityBase.minus(baseSum);
    Column restEnd = cityEnd.minus(endSum);
    Column complete = n.equalTo(col("districts_in_city"));
    Column s = when(col("city_direction").equalTo("lower_better"), -1).otherwise(1);
    Column status =
        when(n.equalTo(0), lit("no_district_loaded"))
            .when(complete.unary_$bang(), lit("partial_coverage"))
            .when(cityEnd.isNull(), lit("no_city_target"))
            .when(endSum.isNull(), lit("district_target_missing"))
            .when(round(endSum.minus(cityEnd).multiply(s), 9).geq(0), lit("districts_cover_city_target"))
            .otherwise(lit("districts_fall_short"));
    Column note =
        when(n.equalTo(0), format_string("no district or county with the same indicator loaded (0 of %d)", col("districts_in_city")))
            .when(complete.unary_$bang(),
                format_string("%d of %d districts and counties loaded (%s): they cover %s of the city's base; the others must deliver %s",
                    n, col("districts_in_city"), col("districts_loaded_names"),
                    coalesce(format_string("%.1f%%", ComparisonFormulas.share(baseSum, cityBase).multiply(100)), lit("an unknown share")),
                    coalesce(ComparisonFormulas.paceText(measure, ComparisonFormulas.pace(measure, restBase, restEnd, col("city_plan_years"))),
                        lit("an unknown pace (no city or district target figure)"))))
            .otherwise(format_string("all %d districts and counties loaded: their planned end values sum to %s against the city's %s",
                n, coalesce(round(endSum, 4).cast("string"), lit("(a district has no target figure)")),
                coalesce(round(cityEnd, 4).cast("string"), lit("(no city target figure)"))));
    Dataset<Row> rows =
        sums.join(broadcast(children), col("city_code").equalTo(col("_parent")), "left")
            .withColumn("districts_in_city", coalesce(col("districts_in_city"), lit(0)))
            .select(
                col("*"),
                col("city_indicator_name_zh").as("indicator_name_zh"),
                col("city_indicator_name_en").as("indicator_name_en"),
                col("city_unit").as("unit"),
                complete.as("complete"),
                baseSum.as("districts_base_sum"),
                cityBase.minus(baseSum).as("base_difference"),
                ComparisonFormulas.share(baseSum, cityBase).as("base_coverage_share"),
                endSum.as("districts_planned_end_sum"),
                cityEnd.minus(endSum).as("target_difference"),
                ComparisonFormulas.share(endSum, cityEnd).as("target_coverage_share"),
                actualSum.as("districts_actual_sum"),
                ComparisonFormulas.share(actualSum, col("city_actual_value")).as("actual_coverage_share"),
                restBase.as("rest_of_city_base"),
                restEnd.as("rest_of_city_planned_end"),
                ComparisonFormulas.pace(measure, restBase, restEnd, col("city_plan_years")).as("rest_of_city_required_pace"),
                measure.as("pace_measure"),
                status.as("consistency_status"),
                note.as("consistency_note"));
    return GoldColumns.select(rows, SCHEMA);
  }
}
