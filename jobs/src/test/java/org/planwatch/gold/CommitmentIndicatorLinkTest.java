package org.planwatch.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.pipeline.NightlyRun;
import org.planwatch.silver.SilverStage;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/** A department's yearly commitment beside the plan target, end to end through datasets/commitment_links. */
class CommitmentIndicatorLinkTest {
  private static SparkSession spark;

  @BeforeAll
  static void warehouse() {
    TestWarehouses.curated();
    spark = TestSpark.session();
  }

  @Test
  void foreignCapitalCommitmentBesideThePlanTarget() {
    // 003 l.135: 全年实到外资16亿美元 (2023, 湖州市商务局 item 1) against the plan's [60]亿美元 over 2021-2025
    // (000 表1 l.371), whose latest actual up to 2023-12-31 is the cumulative 36.06 of 2021 to 2023 H1.
    assertEquals(List.of("1 target 16.0 亿美元 实到外资 true | cumulative 60.0 [60] | 2023-06-30 36.06"),
        link("fdi_actual_used", 2023, "湖州市商务局", 1));
  }

  @Test
  void pensionCommitmentAboveThePlanTarget() {
    // 003 l.504-505: 基本养老保险参保人数达到236万人, the third quantity of the text after two rates of 100%;
    // plan 230万人 by 2025 (表1 l.576-579), 234.8 in 2023 H1
    assertEquals(List.of("3 target 236.0 万人 基本养老保险参保人数 true | level 230.0 — | 2023-06-30 234.8"),
        link("pension_insured_persons", 2023, "湖州市人力资源和社会保障局", 5));
  }

  @Test
  void everyQuantityOfTheEvidenceAndOnlyThose() {
    // 002 l.495: 全年粮食播种面积和总产量达124万亩、10.9亿斤: output, in the unit of the plan's capacity (亿斤, 23.2 kept);
    // the rest of the result (能繁母猪2.66万头, 蔬菜107.1万吨, 高标准农田8.62万亩) is outside the evidence
    assertEquals(List.of(
            "1 achieved 124.0 万亩 粮食播种面积和总产量 false | maintain 23.2 — | 2022-12-31 23.2",
            "2 achieved 10.9 亿斤 null true | maintain 23.2 — | 2022-12-31 23.2"),
        link("grain_capacity", 2024, "湖州市农业农村局", 1));
  }

  @Test
  void evidenceWithoutAQuantityStillLinks() {
    // 003 l.445-446: 儿童青少年近视率同比下降一个百分点, a Chinese numeral: no quantity is read, the link stands
    assertEquals(List.of("null null null null null null | cumulative 5.0 [5] | 2022-12-31 2.62"),
        link("youth_myopia_reduction", 2023, "湖州市教育局", 5));
  }

  @Test
  void linksToUnknownCommitmentsOrIndicatorsOrWithForeignEvidenceAreQuarantined() {
    Map<String, Dataset<Row>> bronze = new LinkedHashMap<>();
    for (String table : NightlyRun.INPUT_TABLES) {
      bronze.put(table, spark.table("bronze." + table));
    }
    Dataset<Row> links = bronze.get("commitment_link");
    Dataset<Row> bad = spark.createDataFrame(List.of(
        bad("fdi_actual_used", "2023", "湖州市商务局", "6", "全年实到外资16亿美元", 101),
        bad("fixed_asset_investment", "2022", "湖州市发展和改革委员会", "2", "完成固定资产投资1800亿元", 102),
        bad("fdi_actual_used", "2023", "湖州市商务局", "1", "全年实到外资18亿美元", 103)), links.schema());
    bronze.put("commitment_link", links.unionByName(bad));
    List<String> reasons = new ArrayList<>();
    for (Row r : SilverStage.build(bronze).quarantine().where("table_name = 'commitment_link'").orderBy("input_line")
        .select("input_line", "field", "value", "reason").collectAsList()) {
      reasons.add(joined(r));
    }
    assertEquals(List.of(
        "101 year 2023/湖州市商务局/6 no such commitment (year, department_zh, item_seq not in datasets/commitments)",
        // fixed-asset investment is an indicator of Wuxing's 13th plan only, not of huzhou_14
        "102 plan_id huzhou_14/fixed_asset_investment indicator not in the plan's catalogue (datasets/indicators)",
        "103 evidence_text 全年实到外资18亿美元 evidence_text does not occur in the commitment's item, target or result text"), reasons);
  }

  private static Row bad(String indicator, String year, String department, String item, String evidence, long line) {
    return RowFactory.create("huzhou_14", indicator, year, department, item, "same_measure", evidence, "test row", "003_bce62e71d27a889e.txt", "135",
        null, "commitment_links/test.csv", line, null, new java.sql.Timestamp(0));
  }

  private static List<String> link(String indicator, int year, String department, int item) {
    return spark.sql("SELECT quantity_seq, quantity_role, quantity_value, quantity_unit, quantity_label_zh, unit_matches_indicator, '|', target_kind,"
            + " plan_target_value, coalesce(planned_growth_text, plan_target_text), '|', progress_as_of, progress_actual_value FROM gold.commitment_indicator_link"
            + " WHERE indicator_code = '" + indicator + "' AND year = " + year + " AND department_zh = '" + department + "' AND item_seq = " + item
            + " ORDER BY quantity_seq")
        .collectAsList().stream().map(CommitmentIndicatorLinkTest::joined).toList();
  }

  private static String joined(Row r) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      out.append(i == 0 ? "" : " ").append(r.get(i));
    }
    return out.toString();
  }
}
