package org.planwatch.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * Adding a district is data, not code (docs/adding-a-district.md): a fictional county, 测试县
 * Testshire (339999), is added to Huzhou by new files in a copy of the curated datasets, and a
 * fictional city 测试市 Testcity (339900) with its only county 试验县 Trialshire (339901) shows the
 * complete case of gold.plan_consistency. Nothing here is a real figure: the real districts Nanxun,
 * Deqing, Changxing and Anji have no figures in our documents.
 */
class AddingADistrictTest {
  private static final double EXACT = 1e-9;
  private static SparkSession spark;

  static final String REGIONS = """
      region_code,parent_code,level,name_zh,name_en,source_doc,source_ref,note
      339999,330500,county,测试县,Testshire (fictional),test fixture,AddingADistrictTest,Fictional county for the test.
      339900,330000,city,测试市,Testcity (fictional),test fixture,AddingADistrictTest,Fictional city for the test.
      339901,339900,county,试验县,Trialshire (fictional),test fixture,AddingADistrictTest,Fictional county for the test.
      """;

  static final String PLANS = """
      plan_id,region_code,plan_name_zh,plan_name_en,period_start_year,period_end_year,base_year,target_year,source_doc,source_ref,note
      testshire_14,339999,测试县十四五规划,Testshire 14th Five-Year Plan (fictional),2021,2025,2020,2025,test fixture,表1,
      testcity_14,339900,测试市十四五规划,Testcity 14th Five-Year Plan (fictional),2021,2025,2020,2025,test fixture,表1,
      trialshire_14,339901,试验县十四五规划,Trialshire 14th Five-Year Plan (fictional),2021,2025,2020,2025,test fixture,表1,
      """;

  static final String INDICATORS = """
      plan_id,indicator_code,seq,name_zh,name_en,unit,category_zh,category_en,attribute,direction,growth_model,measure_type,is_additive,source_doc,source_table,source_line,note
      testshire_14,gdp,1,地区生产总值,Gross domestic product,亿元,经济发展,Economic development,expected,higher_better,compound,flow,true,test fixture,表1,3,
      testshire_14,hospital_beds_per_1000,2,每千人医疗机构床位数,Medical institution beds per 1000 people,张,社会民生,Social welfare,expected,higher_better,linear,stock,false,test fixture,表1,4,
      testcity_14,gdp,1,地区生产总值,Gross domestic product,亿元,经济发展,Economic development,expected,higher_better,compound,flow,true,test fixture,表1,3,
      trialshire_14,gdp,1,地区生产总值,Gross domestic product,亿元,经济发展,Economic development,expected,higher_better,compound,flow,true,test fixture,表1,3,
      """;

  static final String PLAN_TARGETS = """
      plan_id,region_code,indicator_code,base_year,base_value,base_text,target_year,target_value,target_text,target_kind,planned_growth_text,planned_growth_value,planned_growth_kind,source_doc,source_table,source_line,note
      testshire_14,339999,gdp,2020,200,200,2025,300,300,level,—,,,test fixture,表1,3,
      testshire_14,339999,hospital_beds_per_1000,2020,5,5,2025,6,6,level,—,,,test fixture,表1,4,
      testcity_14,339900,gdp,2020,100,100,2025,150,150,level,—,,,test fixture,表1,3,
      trialshire_14,339901,gdp,2020,100,100,2025,140,140,level,—,,,test fixture,表1,3,
      """;

  static final String OBSERVATIONS = """
      region_code,indicator_code,period_start,period_end,period_label,value_kind,value,value_text,statistical_scope,status_met,source_doc,source_table,source_line,note
      339999,gdp,2021-01-01,2021-12-31,2021,level,220,220,,,test fixture,表2,3,
      339999,gdp,2022-01-01,2022-12-31,2022,level,250,250,,,test fixture,表2,4,
      339999,hospital_beds_per_1000,2022-01-01,2022-12-31,2022,level,5.5,5.5,,,test fixture,表2,5,
      """;

  static final String CROSSWALK = """
      city_plan_id,city_indicator_code,district_plan_id,district_indicator_code,comparability,note,city_source_doc,city_source_table,city_source_line,district_source_doc,district_source_table,district_source_line
      huzhou_14,gdp,testshire_14,gdp,same_definition,GDP in 亿元 on both sides.,000_66bfa2501842d5a5.txt,表1,322-328,test fixture,表1,3
      huzhou_14,hospital_beds_per_1000,testshire_14,hospital_beds_per_1000,same_definition,Beds per 1000 people on both sides.,000_66bfa2501842d5a5.txt,表1,568-574,test fixture,表1,4
      huzhou_14,talent_pool,testshire_14,,no_counterpart,Testshire's plan has no talent indicator.,000_66bfa2501842d5a5.txt,表1,352,,,
      testcity_14,gdp,trialshire_14,gdp,same_definition,GDP in 亿元 on both sides.,test fixture,表1,3,test fixture,表1,3
      """;

  @BeforeAll
  static void runWithTheNewDistrict() {
    spark = TestSpark.session();
    Path datasets = TestSpark.temporaryFolder("planwatch-testshire-");
    copy(TestSpark.datasets(), datasets);
    write(datasets.resolve("regions/testshire.csv"), REGIONS);
    write(datasets.resolve("plans/testshire.csv"), PLANS);
    write(datasets.resolve("indicators/testshire_14.csv"), INDICATORS);
    write(datasets.resolve("plan_targets/testshire_14.csv"), PLAN_TARGETS);
    write(datasets.resolve("observations/testshire.csv"), OBSERVATIONS);
    write(datasets.resolve("indicator_crosswalk/huzhou_14__testshire_14.csv"), CROSSWALK);
    TestWarehouses.run(datasets, TestWarehouses.MID_TERM);
  }

  private static Row one(String sql) {
    List<Row> rows = spark.sql(sql).collectAsList();
    assertEquals(1, rows.size(), sql);
    return rows.get(0);
  }

  private static double d(Row row, String column) {
    return row.<Double>getAs(column);
  }

  @Test
  void nothingIsQuarantined() {
    assertEquals(0L, spark.sql("SELECT * FROM silver.quarantine WHERE input_file LIKE '%testshire%'").count());
  }

  @Test
  void progressOfTheNewCounty() {
    Row gdp = one("SELECT * FROM gold.indicator_progress WHERE region_code = '339999' AND indicator_code = 'gdp' AND as_of = DATE'2022-12-31'");
    assertEquals("测试县", gdp.getAs("region_name_zh"));
    // (250 - 200) / (300 - 200) = 50% with 40% of the period elapsed: ahead.
    assertEquals(0.5, d(gdp, "achievement_rate"), EXACT);
    assertEquals("ahead", gdp.getAs("progress_status"));
  }

  @Test
  void comparedWithHuzhou() {
    Row gdp = one("SELECT * FROM gold.district_city_comparison WHERE district_plan_id = 'testshire_14' AND canonical_code = 'gdp'"
        + " AND as_of = DATE'2022-12-31'");
    assertEquals("339999", gdp.getAs("district_code"));
    assertEquals("330500", gdp.getAs("city_code"));
    // (300 / 200)^(1/5) - 1 = 8.45% against Huzhou's 9.33%.
    assertEquals(0.0844717712, d(gdp, "district_planned_cagr"), EXACT);
    assertEquals(-0.0087946587, d(gdp, "planned_growth_difference"), EXACT);
    assertTrue(gdp.<Boolean>getAs("flag_less_ambitious"));
    assertEquals(200 / 3201.4, d(gdp, "share_at_base"), EXACT);
    assertEquals(0.06, d(gdp, "share_at_target"), EXACT);
    // Both have a 2022 level: 250 / 3850.
    assertEquals(250 / 3850.0, d(gdp, "share_at_latest"), EXACT);
    // Achievement beyond elapsed time: (0.5 - 0.4) - ((3850 - 3201.4) / (5000 - 3201.4) - 0.4).
    assertEquals(0.1393861893, d(gdp, "progress_lead"), EXACT);
    assertFalse(gdp.<Boolean>getAs("flag_behind_city"));

    Row beds = one("SELECT * FROM gold.district_city_comparison WHERE district_plan_id = 'testshire_14' AND canonical_code = 'hospital_beds_per_1000'"
        + " AND as_of = DATE'2022-12-31'");
    assertEquals(6 / 7.0, d(beds, "target_ratio"), EXACT);
    assertEquals(0.2, d(beds, "district_planned_pace"), EXACT);
    assertEquals("less_ambitious, target_below_city", beds.getAs("flags"));

    Row talent = one("SELECT * FROM gold.district_city_comparison WHERE district_plan_id = 'testshire_14' AND canonical_code = 'talent_pool'"
        + " AND as_of = DATE'2022-12-31'");
    assertEquals("no_counterpart", talent.getAs("comparability"));
    assertNull(talent.getAs("district_indicator_code"));
    assertEquals("not_comparable", talent.getAs("flags"));
  }

  @Test
  void huzhouCoverageGrowsWithTheNewCounty() {
    Row gdp = one("SELECT * FROM gold.plan_consistency WHERE city_plan_id = 'huzhou_14' AND indicator_code = 'gdp' AND as_of = DATE'2022-12-31'");
    // Huzhou's five districts and counties plus Testshire; Wuxing and Testshire loaded.
    assertEquals(6, gdp.<Integer>getAs("districts_in_city"));
    assertEquals(2, gdp.<Integer>getAs("districts_loaded"));
    assertEquals("吴兴区 (330502), 测试县 (339999)", gdp.getAs("districts_loaded_names"));
    assertEquals(952.8, d(gdp, "districts_base_sum"), EXACT);
    assertEquals(952.8 / 3201.4, d(gdp, "base_coverage_share"), EXACT);
    assertEquals(1300.0, d(gdp, "districts_planned_end_sum"), EXACT);
    // The other four must go from 2248.6 to 3700: (3700 / 2248.6)^(1/5) - 1 = 10.47% a year.
    assertEquals(0.104734466, d(gdp, "rest_of_city_required_pace"), EXACT);
    assertEquals("partial_coverage", gdp.getAs("consistency_status"));
    // Wuxing has no 2022 actual: no sum of actuals.
    assertNull(gdp.getAs("districts_actual_sum"));
  }

  @Test
  void completeCityComparesTheSumOfTargets() {
    Row gdp = one("SELECT * FROM gold.plan_consistency WHERE city_plan_id = 'testcity_14' AND indicator_code = 'gdp' AND as_of = DATE'2020-12-31'");
    assertTrue(gdp.<Boolean>getAs("complete"));
    assertEquals(100.0, d(gdp, "districts_base_sum"), EXACT);
    assertEquals(0.0, d(gdp, "base_difference"), EXACT);
    // The only county plans 140 where the city plans 150: the county targets fall 10 short.
    assertEquals(10.0, d(gdp, "target_difference"), EXACT);
    assertEquals("districts_fall_short", gdp.getAs("consistency_status"));
  }

  @Test
  void scorecardCountsTheNewCounty() {
    Row all = one("SELECT * FROM gold.region_scorecard WHERE plan_id = 'testshire_14' AND as_of = DATE'2022-12-31' AND category_zh = '全部'");
    assertEquals(2, all.<Integer>getAs("indicators"));
    assertEquals(2, all.<Integer>getAs("ahead"));
    assertEquals(1.0, d(all, "share_on_track_of_evaluated"), EXACT);
    Row welfare = one("SELECT * FROM gold.region_scorecard WHERE plan_id = 'testshire_14' AND as_of = DATE'2022-12-31' AND category_zh = '社会民生'");
    assertEquals(1, welfare.<Integer>getAs("indicators"));
    // At the base date nothing is evaluated yet.
    Row base = one("SELECT * FROM gold.region_scorecard WHERE plan_id = 'testshire_14' AND as_of = DATE'2020-12-31' AND category_zh = '全部'");
    assertEquals(2, base.<Integer>getAs("not_evaluable"));
    assertNull(base.getAs("share_on_track_of_evaluated"));
  }

  private static void copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
