package org.planwatch.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * gold.region_scorecard for Huzhou's 14th plan (seed 000, Table 1: 37 indicators), from the curated
 * datasets evaluated as of 2023-12-31. Each indicator counts with its latest evaluation up to the date.
 * The counts are planwatch's ratings, not the evaluation's own: it counts 30 indicators on track, 5 slow
 * and 2 not evaluable (section 一); gold.published_reconciliation shows where the ratings differ.
 */
class RegionScorecardTest {
  private static final String COUNTS = "indicators, evaluated, ahead, normal, slow, not_evaluable, moving_away";
  private static SparkSession spark;

  @BeforeAll
  static void build() {
    TestWarehouses.curated();
    spark = TestSpark.session();
  }

  private static List<Integer> huzhou(String asOf, String category) {
    TestWarehouses.curated();
    List<Row> rows = spark.sql("SELECT " + COUNTS + " FROM gold.region_scorecard WHERE plan_id = 'huzhou_14' AND as_of = DATE'" + asOf
        + "' AND category_zh = '" + category + "'").collectAsList();
    assertEquals(1, rows.size(), asOf + " " + category);
    Row row = rows.get(0);
    return List.of(row.getInt(0), row.getInt(1), row.getInt(2), row.getInt(3), row.getInt(4), row.getInt(5), row.getInt(6));
  }

  @Test
  void atTheBaseDateNothingIsEvaluatedYet() {
    assertEquals(List.of(37, 0, 0, 0, 0, 37, 0), huzhou("2020-12-31", "全部"));
  }

  @Test
  void aDateCarriesEachIndicatorsLatestEvaluation() {
    // 经济发展 at 2022-12-31: GDP and labour productivity normal, GDP per capita ahead, budget revenue
    // and the urbanisation rate slow.
    assertEquals(List.of(5, 5, 1, 2, 2, 0, 0), huzhou("2022-12-31", "经济发展"));
    // At 2023-06-30 only budget revenue has a new figure (H1 2023) and is ahead now; the other four
    // count with their 2022 ratings.
    assertEquals(List.of(5, 5, 2, 2, 1, 0, 0), huzhou("2023-06-30", "经济发展"));
  }

  @Test
  void allCategoriesAddUp() {
    // 23 + 4 + 6 evaluated and 4 not evaluable make the 37: the energy and CO2 intensity reductions and
    // the years of schooling have no actual since the base, life expectancy no base.
    assertEquals(List.of(37, 33, 23, 4, 6, 4, 2), huzhou("2023-06-30", "全部"));
    Row shares = spark.sql("SELECT round(share_on_track_of_evaluated, 4), round(share_slow, 4) FROM gold.region_scorecard"
        + " WHERE plan_id = 'huzhou_14' AND as_of = DATE'2023-06-30' AND category_zh = '全部'").first();
    // (23 + 4) / 33 and 6 / 37.
    assertEquals(0.8182, shares.getDouble(0));
    assertEquals(0.1622, shares.getDouble(1));
  }
}
