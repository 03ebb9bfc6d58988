package org.planwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestDatasets;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * The bad-input corpus: the curated datasets plus files with every kind of fault a statistician's
 * CSV can have. Each fault is quarantined with its file, line, field and reason, or stops the run with
 * a one-line message; every good row is still loaded.
 */
class BadInputTest {
  private static final String OBSERVATION_HEADER =
      "region_code,indicator_code,period_start,period_end,period_label,value_kind,value,value_text,statistical_scope,status_met,source_doc,source_table,source_line,note";
  private static SparkSession spark;
  private static TestWarehouses.Built built;
  private static final long CURATED_OBSERVATIONS = 196;

  @BeforeAll
  static void runOnTheCorpus() throws IOException {
    Path datasets = TestDatasets.copyOfCurated();
    Path observations = datasets.resolve("observations");
    Files.writeString(observations.resolve("zz_faults.csv"), String.join("\n",
        OBSERVATION_HEADER,
        // line 2: good (fictional test figure)
        "330502,gdp,2021-01-01,2021-12-31,2021,level,801.5,801.5,,,test,test,2,fictional test row",
        // line 3: short row
        "330500,gdp,2023-01-01",
        // line 4: not a number
        "330500,gdp,2023-01-01,2023-12-31,2023,level,abc,abc,,,test,test,4,",
        // line 5: a percent sign in a number
        "330500,urbanisation_rate_resident,2023-01-01,2023-12-31,2023,level,67.5%,67.5%,,,test,test,5,",
        // line 6: unknown region
        "339998,gdp,2022-01-01,2022-12-31,2022,level,100,100,,,test,test,6,",
        // line 7: the same key as Huzhou's 2022 GDP in observations/huzhou.csv
        "330500,gdp,2022-01-01,2022-12-31,2022,level,3999,3999,,,test,test,7,",
        // line 8: a date of the right shape that no calendar has
        "330500,gdp,2021-01-01,2021-02-30,2021,level,1,1,,,test,test,8,",
        ""), StandardCharsets.UTF_8);
    Files.write(observations.resolve("zz_gbk.csv"), (OBSERVATION_HEADER + "\n"
        + "330502,gdp,2022-01-01,2022-12-31,2022,level,850,850,,,test,test,2,吴兴区测试\n").getBytes(Charset.forName("GBK")));
    Files.writeString(observations.resolve("zz_bom.csv"), "\uFEFF" + OBSERVATION_HEADER + "\n"
        + "330502,rnd_share_gdp,2021-01-01,2021-12-31,2021,level,2.4,2.4,,,test,test,2,fictional test row\n", StandardCharsets.UTF_8);
    Files.writeString(observations.resolve("zz_empty.csv"), "");
    Files.writeString(observations.resolve("zz_header.csv"),
        OBSERVATION_HEADER.replace("region_code,indicator_code", "region,indicator") + "\n"
            + "330502,gdp,2022-01-01,2022-12-31,2022,level,850,850,,,test,test,2,\n", StandardCharsets.UTF_8);
    Files.writeString(datasets.resolve("indicators/zz_test.csv"), String.join("\n",
        "plan_id,indicator_code,seq,name_zh,name_en,unit,category_zh,category_en,attribute,direction,growth_model,measure_type,is_additive,source_doc,source_table,source_line,note",
        "huzhou_14,test_flat,90,测试持平,Test flat,%,测试,Test,expected,higher_better,linear,stock,false,test,test,2,",
        "huzhou_14,test_kind,91,测试类型,Test kind,%,测试,Test,expected,lower_better,linear,stock,false,test,test,3,",
        ""), StandardCharsets.UTF_8);
    Files.writeString(datasets.resolve("plan_targets/zz_faults.csv"), String.join("\n",
        "plan_id,region_code,indicator_code,base_year,base_value,base_text,target_year,target_value,target_text,target_kind,planned_growth_text,planned_growth_value,planned_growth_kind,source_doc,source_table,source_line,note",
        // line 2: base equals target for a level target
        "huzhou_14,330500,test_flat,2020,5,5,2025,5,5,level,,,,test,test,2,",
        // line 3: a ceiling without a ceiling value
        "huzhou_14,330500,test_kind,2020,5,5,2025,,完成省下达目标,ceiling,,,,test,test,3,",
        ""), StandardCharsets.UTF_8);
    built = TestWarehouses.run(datasets, TestWarehouses.MID_TERM);
    spark = TestSpark.session();
  }

  /** file:line:field -> reason [value], for the corpus files. */
  private static Map<String, String> quarantined() {
    TestWarehouses.use(built.warehouse());
    List<Row> rows = spark.sql("SELECT input_file, input_line, field, reason, value FROM silver.quarantine WHERE input_file LIKE '%zz_%'").collectAsList();
    return rows.stream().collect(Collectors.toMap(
        r -> r.getString(0) + ":" + r.getLong(1) + ":" + r.getString(2), r -> r.getString(3) + " [value " + r.getString(4) + "]", (a, b) -> a + " | " + b, TreeMap::new));
  }

  private static void assertQuarantined(String where, String reasonPart) {
    Map<String, String> q = quarantined();
    String reason = q.get(where);
    assertTrue(reason != null, "not quarantined: " + where + "; quarantine holds " + q);
    assertTrue(reason.contains(reasonPart), where + ": reason '" + reason + "' does not mention '" + reasonPart + "'");
  }

  @Test
  void shortRowIsQuarantinedWithItsLine() {
    assertQuarantined("observations/zz_faults.csv:3:(record)", "wrong number of fields: expected 14, found 3");
  }

  @Test
  void nonNumberIsQuarantinedNamingTheField() {
    assertQuarantined("observations/zz_faults.csv:4:value", "not a number");
  }

  @Test
  void percentSignIsExplained() {
    assertQuarantined("observations/zz_faults.csv:5:value", "percent sign in a number");
    // The row as read, as JSON: empty fields left out, an empty scope as the one it stands for.
    TestWarehouses.use(built.warehouse());
    assertEquals("{\"region_code\":\"330500\",\"indicator_code\":\"urbanisation_rate_resident\",\"period_start\":\"2023-01-01\","
            + "\"period_end\":\"2023-12-31\",\"period_label\":\"2023\",\"value_kind\":\"level\",\"value\":\"67.5%\",\"value_text\":\"67.5%\","
            + "\"statistical_scope\":\"as_published\",\"source_doc\":\"test\",\"source_table\":\"test\",\"source_line\":\"5\"}",
        spark.sql("SELECT record FROM silver.quarantine WHERE input_file = 'observations/zz_faults.csv' AND input_line = 5").first().getString(0));
  }

  @Test
  void impossibleDateIsQuarantined() {
    assertQuarantined("observations/zz_faults.csv:8:period_end", "not a date: write YYYY-MM-DD [value 2021-02-30]");
  }

  @Test
  void unknownRegionIsQuarantined() {
    assertQuarantined("observations/zz_faults.csv:6:region_code", "unknown region code (not in datasets/regions) [value 339998]");
  }

  @Test
  void duplicateKeyKeepsTheFirstRowAndQuarantinesTheSecond() {
    assertQuarantined("observations/zz_faults.csv:7:region_code", "duplicate key (region_code, indicator_code, period_start, period_end, value_kind, statistical_scope): first given at observations/huzhou.csv:3");
    TestWarehouses.use(built.warehouse());
    assertEquals(3850.0, spark.sql("SELECT value FROM silver.observation WHERE region_code = '330500' AND indicator_code = 'gdp'"
        + " AND period_end = DATE'2022-12-31' AND value_kind = 'level'").first().getDouble(0));
    // The later row as read.
    assertEquals("{\"region_code\":\"330500\",\"indicator_code\":\"gdp\",\"period_start\":\"2022-01-01\","
            + "\"period_end\":\"2022-12-31\",\"period_label\":\"2022\",\"value_kind\":\"level\",\"value\":\"3999\",\"value_text\":\"3999\","
            + "\"statistical_scope\":\"as_published\",\"source_doc\":\"test\",\"source_table\":\"test\",\"source_line\":\"7\"}",
        spark.sql("SELECT record FROM silver.quarantine WHERE input_file = 'observations/zz_faults.csv' AND input_line = 7").first().getString(0));
  }

  @Test
  void gbkFileIsRejectedAsNotUtf8() {
    assertQuarantined("observations/zz_gbk.csv:2:(record)", "not valid UTF-8");
  }

  @Test
  void emptyFileAndWrongHeaderAreReportedOnLineOne() {
    assertQuarantined("observations/zz_empty.csv:1:(file)", "empty file");
    assertQuarantined("observations/zz_header.csv:1:(header)", "column 1 is 'region', expected 'region_code'");
  }

  @Test
  void targetKindsThatDoNotFitTheirValuesAreQuarantined() {
    assertQuarantined("plan_targets/zz_faults.csv:2:target_kind", "base equals target");
    assertQuarantined("plan_targets/zz_faults.csv:3:target_kind", "needs target_value");
  }

  @Test
  void everyGoodRowIsLoaded() {
    TestWarehouses.use(built.warehouse());
    // The curated rows, the good corpus row and the row of the file with a byte order mark.
    assertEquals(CURATED_OBSERVATIONS + 2, spark.sql("SELECT * FROM silver.observation").count());
    assertEquals(1, spark.sql("SELECT * FROM silver.observation WHERE input_file = 'observations/zz_bom.csv'").count());
    assertEquals(37 + 41 + 37, spark.sql("SELECT * FROM silver.plan_target").count());
    assertEquals(0, spark.sql("SELECT * FROM silver.quarantine WHERE input_file NOT LIKE '%zz_%'").count());
    assertEquals(quarantined().size(), built.summary().quarantined());
  }

  @Test
  void missingRequiredInputStopsBeforeAnyWrite() throws IOException {
    Path datasets = TestDatasets.copyOfCurated();
    TestDatasets.deleteRecursively(datasets.resolve("plan_targets"));
    InputException e = assertThrows(InputException.class, () -> TestWarehouses.run(datasets, TestWarehouses.MID_TERM));
    assertTrue(e.getMessage().contains("missing required input folder"), e.getMessage());
    assertTrue(e.getMessage().contains("plan_targets"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }
}
