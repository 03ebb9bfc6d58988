package org.planwatch.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/**
 * The curated datasets against the documents they transcribe, read as plain CSV (no Spark): row
 * counts per table of the documents, and figures a reader can find in the seed text.
 */
class CuratedDatasetsTest {
  private static List<CSVRecord> read(String relative) throws IOException {
    try (Reader in = Files.newBufferedReader(TestSpark.datasets().resolve(relative), StandardCharsets.UTF_8)) {
      return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(in).getRecords();
    }
  }

  private static CSVRecord row(List<CSVRecord> rows, String column, String value) {
    return rows.stream().filter(r -> r.get(column).equals(value)).findFirst().orElseThrow(
        () -> new AssertionError("no row with " + column + " = " + value));
  }

  @Test
  void huzhouTable1HasAll37Indicators() throws IOException {
    List<CSVRecord> targets = read("plan_targets/huzhou_14.csv");
    assertEquals(37, targets.size());
    assertEquals(37, targets.stream().map(r -> r.get("indicator_code")).distinct().count());
    assertEquals(37, read("indicators/huzhou_14.csv").size());
    // 000, Table 1 row 1 (line 322): GDP 3201.4 -> 5000, 9.4% nominal planned growth.
    CSVRecord gdp = row(targets, "indicator_code", "gdp");
    assertEquals("3201.4", gdp.get("base_value"));
    assertEquals("5000", gdp.get("target_value"));
    assertEquals("9.4", gdp.get("planned_growth_value"));
    assertEquals("level", gdp.get("target_kind"));
  }

  @Test
  void wuxingTable12Has39NumberedRowsAndItsSubRowsAsIndicators() throws IOException {
    List<CSVRecord> indicators = read("indicators/wuxing_14.csv");
    Set<String> numbered = indicators.stream().map(r -> r.get("seq").replaceAll("\\..*", "")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(39, numbered.size());
    // Urbanisation (3.1 resident, 3.2 registered) and the digital core industry (11.1) are their own indicators.
    assertEquals(41, indicators.size());
    assertEquals("常住人口城镇化率", row(indicators, "seq", "3.1").get("name_zh"));
    assertEquals("户籍人口城镇化率", row(indicators, "seq", "3.2").get("name_zh"));
    List<CSVRecord> targets = read("plan_targets/wuxing_14.csv");
    assertEquals(41, targets.size());
    CSVRecord beds = row(targets, "indicator_code", "hospital_beds_per_1000");
    assertEquals("4.21", beds.get("base_value"));
    assertEquals("5.43", beds.get("target_value"));
  }

  @Test
  void wuxing13thPlanResultsAreKept() throws IOException {
    assertEquals(37, read("plan_targets/wuxing_13.csv").size());
    CSVRecord gdp2020 = read("observations/wuxing.csv").stream()
        .filter(r -> r.get("indicator_code").equals("gdp") && r.get("period_label").equals("2020"))
        .findFirst().orElseThrow();
    assertEquals("752.8", gdp2020.get("value"));
  }

  @Test
  void footnoteRevisionsGiveTheirOriginalAndRevisedValues() throws IOException {
    List<CSVRecord> revisions = read("plan_revisions/huzhou_14.csv");
    assertEquals(8, revisions.size());
    Map<String, String> revised = revisions.stream().collect(Collectors.toMap(
        r -> r.get("indicator_code") + "." + r.get("revised_field"), r -> r.get("original_value") + "->" + r.get("revised_value")));
    // Table 1 notes: 2020 bases revised after the 7th census; 2025 targets restated on a new scope.
    assertEquals("66->65.6", revised.get("urbanisation_rate_resident.base_value"));
    assertEquals("10.46->9.57", revised.get("gdp_per_capita.base_value"));
    assertEquals("6->5.47", revised.get("hospital_beds_per_1000.base_value"));
    assertEquals("3.25->2.93", revised.get("doctors_per_1000.base_value"));
    assertEquals("48.15->38.75", revised.get("forest_coverage.target_value"));
    assertEquals("83.5->82.5", revised.get("life_expectancy.target_value"));
  }

  @Test
  void publishedEvaluationKeepsTable1AsPrinted() throws IOException {
    List<CSVRecord> published = read("published_evaluation/huzhou_14.csv");
    assertEquals(37, published.size());
    CSVRecord gdp = row(published, "indicator_code", "gdp");
    assertEquals("36.1%", gdp.get("achievement_rate_text"));
    assertEquals("进度正常", gdp.get("progress_rating_text"));
  }

  @Test
  void everyRowNamesItsSourceDocument() throws IOException {
    Path seeds = TestSpark.repo().resolveSibling("shared").resolve("seeds");
    int checked = 0;
    try (Stream<Path> files = Files.walk(TestSpark.datasets())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        for (CSVRecord r : read(TestSpark.datasets().relativize(file).toString())) {
          if (!r.isMapped("source_doc")) {
            continue;
          }
          String where = file.getFileName() + " line " + (r.getRecordNumber() + 1);
          assertTrue(r.get("source_doc").matches("\\d{3}_[0-9a-f]{16}\\.txt"), where + ": source_doc '" + r.get("source_doc") + "'");
          // Outside the workplace (a fresh clone elsewhere) the seed folder may be absent.
          if (Files.isDirectory(seeds)) {
            assertTrue(Files.exists(seeds.resolve(r.get("source_doc"))), where + ": no such document " + r.get("source_doc"));
          }
          checked++;
        }
      }
    }
    assertTrue(checked > 500, "rows with provenance: " + checked);
  }
}
