package org.planwatch.report;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the dashboard's figures from the gold tables by name, with Spark SQL. Results are bounded:
 * one row per indicator of the plan in force in each requested region (a few dozen), and one row per
 * crosswalked indicator pair for the comparison.
 */
public final class DashboardQuery {
  static final String PROGRESS = "gold.indicator_progress";
  static final String COMPARISON = "gold.district_city_comparison";

  /** The columns of gold.district_city_comparison the page reads (schemas/gold/district_city_comparison.ddl). */
  static final List<String> COMPARISON_COLUMNS =
      List.of("city_plan_id", "district_plan_id", "canonical_code", "as_of", "city_code", "district_code", "district_name_zh",
          "district_name_en", "city_indicator_name_zh", "district_indicator_name_zh", "indicator_name_en", "comparability",
          "ambition_measure", "city_planned_pace", "district_planned_pace", "share_at_base", "share_at_target",
          "city_achievement_rate", "district_achievement_rate", "city_progress_status", "district_progress_status",
          "city_target_text", "district_target_text", "flags", "flag_reasons");

  private static final List<String> PROGRESS_COLUMNS =
      List.of("plan_id", "region_code", "region_name_zh", "region_name_en", "indicator_code", "indicator_name_zh",
          "indicator_name_en", "unit", "category_zh", "category_en", "attribute", "target_kind", "growth_model", "as_of",
          "base_year", "target_year", "base_value", "target_value", "target_text", "actual_value", "elapsed_share", "evaluable",
          "not_evaluable_reason", "achievement_rate", "progress_status", "progress_status_zh", "progress_status_en",
          "moving_away", "past_cagr", "planned_cagr", "required_cagr", "past_annual_increment", "planned_annual_increment",
          "required_annual_increment", "expected_attainment_zh");

  private final SparkSession spark;

  public DashboardQuery(SparkSession spark) {
    this.spark = spark;
  }

  public Dashboard read(LocalDate asOf, List<String> regionCodes) {
    if (!spark.catalog().tableExists(PROGRESS)) {
      throw new IllegalStateException(PROGRESS + " is not in this warehouse: run `planwatch run` first");
    }
    List<Dashboard.Region> regions = new ArrayList<>();
    for (String code : regionCodes) {
      Dashboard.Region region = region(asOf, code);
      if (region == null) {
        throw new IllegalArgumentException(
            "region " + code + " has no evaluation in " + PROGRESS + " on or before " + asOf + " (check --region and --as-of)");
      }
      regions.add(region);
    }
    String generatedAt = ZonedDateTime.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    return new Dashboard(asOf.toString(), generatedAt, regions, comparison(asOf, regionCodes));
  }

  /**
   * The latest evaluation on or before {@code asOf} of every indicator of the region's plan in force:
   * among the region's plans with an evaluation by then, the one with the latest target year (at the
   * end of 2023, the 14th plan rather than the finished 13th).
   */
  Dashboard.Region region(LocalDate asOf, String regionCode) {
    String columns = String.join(", ", PROGRESS_COLUMNS);
    List<Row> rows =
        spark.sql(
                "SELECT " + columns + " FROM ("
                    + " SELECT " + columns + ","
                    + "   row_number() OVER (PARTITION BY plan_id, indicator_code ORDER BY as_of DESC) AS latest,"
                    + "   dense_rank() OVER (ORDER BY plan_target_year DESC, plan_id) AS plan_rank"
                    + " FROM (SELECT *, max(target_year) OVER (PARTITION BY plan_id) AS plan_target_year FROM " + PROGRESS
                    + "       WHERE region_code = :region AND as_of <= :as_of))"
                    + " WHERE latest = 1 AND plan_rank = 1 ORDER BY category_en, indicator_code",
                Map.<String, Object>of("region", regionCode, "as_of", asOf))
            .collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    List<Dashboard.Indicator> indicators = rows.stream().map(DashboardQuery::indicator).toList();
    Row first = rows.get(0);
    String latestAsOf = indicators.stream().map(Dashboard.Indicator::asOf).max(String::compareTo).orElseThrow();
    return new Dashboard.Region(regionCode, first.getAs("region_name_zh"), first.getAs("region_name_en"), first.getAs("plan_id"),
        rows.stream().mapToInt(r -> r.<Integer>getAs("base_year")).min().orElseThrow(),
        rows.stream().mapToInt(r -> r.<Integer>getAs("target_year")).max().orElseThrow(), latestAsOf, indicators, counts(indicators));
  }

  private static Dashboard.Indicator indicator(Row r) {
    return new Dashboard.Indicator(r.getAs("indicator_code"), r.getAs("indicator_name_zh"), r.getAs("indicator_name_en"),
        r.getAs("unit"), r.getAs("category_zh"), r.getAs("category_en"), r.getAs("attribute"), r.getAs("target_kind"),
        r.getAs("growth_model"), String.valueOf(r.<Object>getAs("as_of")), r.getAs("base_value"), r.getAs("target_value"),
        r.getAs("target_text"), r.getAs("actual_value"), r.getAs("elapsed_share"), r.<Boolean>getAs("evaluable"),
        r.getAs("not_evaluable_reason"), r.getAs("achievement_rate"), r.getAs("progress_status"), r.getAs("progress_status_zh"),
        r.getAs("progress_status_en"), r.getAs("moving_away"), r.getAs("past_cagr"), r.getAs("planned_cagr"), r.getAs("required_cagr"),
        r.getAs("past_annual_increment"), r.getAs("planned_annual_increment"), r.getAs("required_annual_increment"),
        r.getAs("expected_attainment_zh"));
  }

  static Dashboard.StatusCounts counts(List<Dashboard.Indicator> indicators) {
    int ahead = 0;
    int normal = 0;
    int slow = 0;
    int notEvaluable = 0;
    int movingAway = 0;
    for (Dashboard.Indicator i : indicators) {
      if (i.status() == null) {
        notEvaluable++;
      } else {
        switch (i.status()) {
          case "ahead" -> ahead++;
          case "normal" -> normal++;
          case "slow" -> slow++;
          default -> throw new IllegalStateException("unknown progress_status " + i.status() + " of " + i.code());
        }
      }
      if (Boolean.TRUE.equals(i.movingAway())) {
        movingAway++;
      }
    }
    return new Dashboard.StatusCounts(ahead, normal, slow, notEvaluable, movingAway);
  }

  /**
   * The latest row on or before {@code asOf} of every indicator pair of gold.district_city_comparison
   * whose district and city are among the report's regions; a note instead when the warehouse does
   * not have the table (it comes with the district-against-city evaluation) or it lacks a column.
   */
  Dashboard.Comparison comparison(LocalDate asOf, List<String> regionCodes) {
    if (!spark.catalog().tableExists(COMPARISON)) {
      return new Dashboard.Comparison(false,
          "Not yet available: this warehouse has no " + COMPARISON + " (the district-against-city evaluation)."
              + " The indicator-by-indicator comparison appears here once a run has written it."
              + " 暂无：本仓库尚无区县与市级逐项对比表，待运行生成后显示。",
          COMPARISON, List.of());
    }
    Set<String> present = new LinkedHashSet<>(Arrays.asList(spark.table(COMPARISON).columns()));
    List<String> missing = COMPARISON_COLUMNS.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      return new Dashboard.Comparison(false,
          "Not available: " + COMPARISON + " lacks the columns " + String.join(", ", missing) + " that this page reads."
              + " 暂无：对比表缺少本页所需字段。",
          COMPARISON, List.of());
    }
    String columns = String.join(", ", COMPARISON_COLUMNS);
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("as_of", asOf);
    for (int i = 0; i < regionCodes.size(); i++) {
      args.put("region" + i, regionCodes.get(i));
    }
    String regions = args.keySet().stream().filter(k -> k.startsWith("region")).map(k -> ":" + k).collect(Collectors.joining(", "));
    List<Row> rows =
        spark.sql(
                "SELECT " + columns + " FROM (SELECT " + columns + ","
                    + "   row_number() OVER (PARTITION BY city_plan_id, district_plan_id, canonical_code ORDER BY as_of DESC) AS latest"
                    + " FROM " + COMPARISON + " WHERE as_of <= :as_of"
                    + "   AND city_code IN (" + regions + ") AND district_code IN (" + regions + "))"
                    + " WHERE latest = 1 ORDER BY district_code, canonical_code",
                args)
            .collectAsList();
    List<Dashboard.Pair> pairs = rows.stream().map(DashboardQuery::pair).collect(Collectors.toList());
    String note = pairs.isEmpty()
        ? "No district of the report's regions is compared with its city in " + COMPARISON + " on or before " + asOf
            + ". 所选区划在该日期前无对比数据。"
        : null;
    return new Dashboard.Comparison(true, note, COMPARISON, pairs);
  }

  private static Dashboard.Pair pair(Row r) {
    return new Dashboard.Pair(r.getAs("canonical_code"), r.getAs("city_code"), r.getAs("district_code"), r.getAs("district_name_zh"),
        r.getAs("district_name_en"), r.getAs("city_indicator_name_zh"), r.getAs("district_indicator_name_zh"),
        r.getAs("indicator_name_en"), r.getAs("comparability"), r.getAs("ambition_measure"), r.getAs("city_planned_pace"),
        r.getAs("district_planned_pace"), r.getAs("share_at_base"), r.getAs("share_at_target"), r.getAs("city_achievement_rate"),
        r.getAs("district_achievement_rate"), r.getAs("city_progress_status"), r.getAs("district_progress_status"),
        r.getAs("city_target_text"), r.getAs("district_target_text"), r.getAs("flags"), r.getAs("flag_reasons"));
  }
}
