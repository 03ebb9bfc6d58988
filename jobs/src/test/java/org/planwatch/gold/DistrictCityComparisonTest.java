package org.planwatch.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * Wuxing's 14th plan (001, 表1-2) against Huzhou's (000, 表1), as of the mid-term evaluation date, in
 * the curated warehouse. Expected figures are written from the printed bases and targets.
 */
class DistrictCityComparisonTest {
  private static final double EXACT = 1e-9;
  private static SparkSession spark;

  @BeforeAll
  static void warehouse() {
    spark = TestSpark.session();
    TestWarehouses.curated();
  }

  private static Row wuxing(String canonicalCode) {
    List<Row> rows = spark.sql(
        "SELECT * FROM gold.district_city_comparison WHERE city_plan_id = 'huzhou_14' AND district_plan_id = 'wuxing_14'"
            + " AND canonical_code = '" + canonicalCode + "' AND as_of = DATE'2023-06-30'").collectAsList();
    assertEquals(1, rows.size(), canonicalCode);
    return rows.get(0);
  }

  private static double d(Row row, String column) {
    return row.<Double>getAs(column);
  }

  @Test
  void withoutACrosswalkThereIsNothingToCompare() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    Warehouse warehouse = curated.warehouse();
    Map<String, Dataset<Row>> silver = curated.silver();
    // Plans loaded, none of their indicators paired with a city's: no row, the tables' columns all the same.
    silver.put("indicator_crosswalk", silver.get("indicator_crosswalk").limit(0));
    Dataset<Row> wide = DistrictCityComparison.wide(silver, spark.read().format("delta").load(warehouse.location(IndicatorProgress.SCHEMA)));
    Dataset<Row> comparison = DistrictCityComparison.finished(wide);
    assertEquals(0, comparison.count());
    assertEquals(List.of(DistrictCityComparison.SCHEMA.columns().fieldNames()), List.of(comparison.columns()));
    Dataset<Row> consistency = PlanConsistency.build(silver, wide);
    assertEquals(0, consistency.count());
    assertEquals(List.of(PlanConsistency.SCHEMA.columns().fieldNames()), List.of(consistency.columns()));
  }

  @Test
  void gdpWuxingPlansSlowerGrowthThanTheCityAndAShrinkingShare() {
    Row gdp = wuxing("gdp");
    assertEquals(752.8, d(gdp, "district_base_value"), EXACT);
    assertEquals(1000.0, d(gdp, "district_target_value"), EXACT);
    assertEquals(3201.4, d(gdp, "city_base_value"), EXACT);
    assertEquals(5000.0, d(gdp, "city_target_value"), EXACT);
    // (1000 / 752.8)^(1/5) - 1 = 5.84% against (5000 / 3201.4)^(1/5) - 1 = 9.33%.
    assertEquals(0.0584347207, d(gdp, "district_planned_cagr"), EXACT);
    assertEquals(0.0932664299, d(gdp, "city_planned_cagr"), EXACT);
    assertEquals("cagr", gdp.getAs("ambition_measure"));
    assertEquals(-0.0348317092, d(gdp, "planned_growth_difference"), EXACT);
    assertTrue(gdp.<Boolean>getAs("flag_less_ambitious"));
    // Share of the city: 752.8 / 3201.4 = 23.5% at the base, 1000 / 5000 = 20% at target.
    assertEquals(0.2351471231, d(gdp, "share_at_base"), EXACT);
    assertEquals(0.2, d(gdp, "share_at_target"), EXACT);
    // The rest of the city goes from 2448.6 to 4000: (4000 / 2448.6)^(1/5) - 1 = 10.31% a year.
    assertEquals(2448.6, d(gdp, "rest_of_city_base"), EXACT);
    assertEquals(4000.0, d(gdp, "rest_of_city_planned_end"), EXACT);
    assertEquals(0.1031344037, d(gdp, "rest_of_city_required_pace"), EXACT);
    // Huzhou's 2023 H1 GDP is a half year: its latest annual level is 2022's 3850; Wuxing has none.
    assertEquals(3850.0, d(gdp, "city_actual_value"), EXACT);
    assertNull(gdp.getAs("district_actual_value"));
    assertNull(gdp.getAs("share_at_latest"));
    assertEquals("no actual after the 2020 base yet", gdp.getAs("district_not_evaluable_reason"));
    assertFalse(gdp.<Boolean>getAs("flag_behind_city"));
    assertTrue(gdp.<String>getAs("flag_reasons").startsWith("less ambitious than the city: plans 5.84% a year against the city's 9.33% a year"),
        gdp.<String>getAs("flag_reasons"));
  }

  @Test
  void urbanisationHigherLevelButFewerPointsAYear() {
    Row urban = wuxing("urbanisation_rate_resident");
    // Wuxing 73 -> 78: 1 point a year; Huzhou 65.6 (census-revised) -> 72: 1.28 points a year.
    assertEquals(73.0, d(urban, "district_base_value"), EXACT);
    assertEquals(65.6, d(urban, "city_base_value"), EXACT);
    assertEquals("increment_per_year", urban.getAs("ambition_measure"));
    assertEquals(1.0, d(urban, "district_planned_pace"), EXACT);
    assertEquals(1.28, d(urban, "city_planned_pace"), EXACT);
    assertEquals(-0.28, d(urban, "planned_growth_difference"), EXACT);
    assertTrue(urban.<Boolean>getAs("flag_less_ambitious"));
    // A rate, not additive: its target relative to the city's, 78 / 72, and no share.
    assertEquals(78.0 / 72.0, d(urban, "target_ratio"), EXACT);
    assertEquals(6.0, d(urban, "target_difference"), EXACT);
    assertFalse(urban.<Boolean>getAs("flag_target_below_city"));
    assertNull(urban.getAs("share_at_base"));
  }

  @Test
  void rndShareBothTargetThreePointThree() {
    Row rnd = wuxing("rnd_share_gdp");
    assertEquals(3.3, d(rnd, "district_target_value"), EXACT);
    assertEquals(3.3, d(rnd, "city_target_value"), EXACT);
    assertEquals(1.0, d(rnd, "target_ratio"), EXACT);
    assertEquals(0.0, d(rnd, "target_difference"), EXACT);
    // From 2.15 Wuxing must climb 0.23 points a year; Huzhou from its revised 3.09 only 0.042.
    assertEquals(0.23, d(rnd, "district_planned_pace"), EXACT);
    assertEquals(0.042, d(rnd, "city_planned_pace"), EXACT);
    assertEquals(0.188, d(rnd, "ambition_difference"), EXACT);
    assertEquals("", rnd.getAs("flags"));
  }

  @Test
  void hospitalBedsBelowTheCityOnLevelAndPace() {
    Row beds = wuxing("hospital_beds_per_1000");
    // Wuxing 4.21 -> 5.43 against Huzhou 5.47 (census-revised from 6) -> 7.
    assertEquals(4.21, d(beds, "district_base_value"), EXACT);
    assertEquals(5.47, d(beds, "city_base_value"), EXACT);
    assertEquals(5.43 / 7, d(beds, "target_ratio"), EXACT);
    assertEquals(-1.57, d(beds, "target_difference"), EXACT);
    assertEquals(0.244, d(beds, "district_planned_pace"), EXACT);
    assertEquals(0.306, d(beds, "city_planned_pace"), EXACT);
    assertEquals("less_ambitious, target_below_city", beds.getAs("flags"));
    assertTrue(beds.<String>getAs("flag_reasons").contains("target below the city's: 5.43 against 7.0 张"), beds.<String>getAs("flag_reasons"));
  }

  @Test
  void pensionCountAndRateAreNotComparedButKeptSideBySide() {
    Row pension = wuxing("pension_insured_persons");
    assertEquals("pension_coverage_rate", pension.getAs("district_indicator_code"));
    assertEquals("not_comparable", pension.getAs("comparability"));
    assertEquals(221.91, d(pension, "city_base_value"), EXACT);
    assertEquals(96.5, d(pension, "district_base_value"), EXACT);
    assertNull(pension.getAs("planned_growth_difference"));
    assertNull(pension.getAs("target_ratio"));
    assertEquals("not_comparable", pension.getAs("flags"));
    assertTrue(pension.<String>getAs("flag_reasons").startsWith("not_comparable: 基本养老保险参保人数"));
  }

  @Test
  void everyIndicatorOfBothPlansIsInTheCrosswalk() {
    Set<String> huzhou = codes("SELECT indicator_code FROM silver.indicator WHERE plan_id = 'huzhou_14'");
    Set<String> wuxing = codes("SELECT indicator_code FROM silver.indicator WHERE plan_id = 'wuxing_14'");
    assertEquals(37, huzhou.size());
    // 序号 1-39, where 3 (城镇化率*) prints only its sub-rows 3.1 and 3.2, and 11 has the 其中 row 11.1.
    assertEquals(41, wuxing.size());
    assertEquals(huzhou, codes("SELECT city_indicator_code FROM silver.indicator_crosswalk WHERE district_plan_id = 'wuxing_14' AND city_indicator_code IS NOT NULL"));
    assertEquals(wuxing, codes("SELECT district_indicator_code FROM silver.indicator_crosswalk WHERE district_plan_id = 'wuxing_14' AND district_indicator_code IS NOT NULL"));
    assertEquals(0L, spark.sql("SELECT * FROM silver.quarantine WHERE table_name = 'indicator_crosswalk'").count());
    // 37 Huzhou indicators plus 4 Wuxing ones without counterpart, at each evaluation date.
    assertEquals(41L, spark.sql("SELECT * FROM gold.district_city_comparison WHERE as_of = DATE'2023-06-30'").count());
  }

  private static Set<String> codes(String sql) {
    Set<String> out = new HashSet<>();
    spark.sql(sql).collectAsList().forEach(r -> out.add(r.getString(0)));
    return out;
  }
}
