package org.planwatch.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.spark.Columns;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * A night that reaches the dates from some day on computes the tables dated by evaluation from two
 * kinds of evaluations only: those dated from that day, and each target's latest before it. The
 * curated warehouse (evaluated as of 2023-12-31) shows that nothing else was needed.
 */
class ReachedDatesTest {
  private static final LocalDate FROM = LocalDate.of(2023, 1, 1);
  private static SparkSession spark;
  private static Dataset<Row> progress;
  private static Map<String, Dataset<Row>> silver;

  @BeforeAll
  static void warehouse() {
    spark = TestSpark.session();
    silver = TestWarehouses.curated().silver();
    progress = spark.table("gold.indicator_progress").localCheckpoint();
  }

  @Test
  void huzhouChildcarePlacesFrom2023AreReadFromTheLast2022EvaluationOn() {
    // Childcare places per 1000 people (a stock, so the 2023 H1 level counts): 2.63 in 2021, 3.63 in 2022, 4.08 in 2023 H1.
    Column childcare = col("plan_id").equalTo("huzhou_14").and(col("indicator_code").equalTo("childcare_places_per_1000"));
    assertEquals(List.of("2021-12-31 2.63", "2022-12-31 3.63", "2023-06-30 4.08"), datesAndActuals(progress.where(childcare)));
    // Rows dated from 2023 on carry 3.63 until 4.08 arrives; 2.63 is nobody's latest any more.
    assertEquals(List.of("2022-12-31 3.63", "2023-06-30 4.08"), datesAndActuals(ReachedDates.evaluationsReadFrom(progress, FROM, silver).where(childcare)));
  }

  @Test
  void wuxings13thPlanEndedIn2020IsNotReadForRowsFrom2023() {
    // Its evaluations are 2016-2020: no scorecard or comparison row from 2023 on carries them.
    assertTrue(progress.where(col("plan_id").equalTo("wuxing_13")).count() > 0);
    assertEquals(List.of("huzhou_14", "wuxing_14"),
        ReachedDates.evaluationsReadFrom(progress, FROM, silver).select("plan_id").distinct().orderBy("plan_id").as(Encoders.STRING()).collectAsList());
  }

  private static List<String> datesAndActuals(Dataset<Row> rows) {
    return rows.orderBy("as_of").select(concat_ws(" ", col("as_of").cast("string"), col("actual_value").cast("string")))
        .as(Encoders.STRING()).collectAsList();
  }

  @Test
  void theDatedTablesFromAReachedDateAreTheSameAsComputedWhole() {
    Dataset<Row> needed = ReachedDates.evaluationsReadFrom(progress, FROM, silver).localCheckpoint();
    assertTrue(needed.count() < progress.count(), "fewer evaluations are read");
    Date from = Date.valueOf(FROM);
    // Each table is given only the columns it says it reads, as a night reads them back.
    assertSame("region_scorecard", RegionScorecard.build(silver, progress, null).where(col("as_of").geq(lit(from))),
        RegionScorecard.build(silver, needed.select(Columns.of(RegionScorecard.PROGRESS_COLUMNS)), FROM));
    assertSame("district_city_comparison", DistrictCityComparison.build(silver, progress).where(col("as_of").geq(lit(from))),
        DistrictCityComparison.finished(DistrictCityComparison.wide(silver, needed.select(Columns.of(DistrictCityComparison.PROGRESS_COLUMNS)), FROM)));
  }

  private static void assertSame(String table, Dataset<Row> whole, Dataset<Row> fromReached) {
    Dataset<Row> expected = whole.localCheckpoint();
    Dataset<Row> actual = fromReached.localCheckpoint();
    assertTrue(expected.count() > 0, table + " has rows from " + FROM);
    assertEquals(expected.count(), actual.count(), table);
    assertEquals(0, expected.exceptAll(actual).count(), table + ": rows computed whole and not from the reached date");
    assertEquals(0, actual.exceptAll(expected).count(), table + ": rows computed from the reached date and not whole");
  }
}
