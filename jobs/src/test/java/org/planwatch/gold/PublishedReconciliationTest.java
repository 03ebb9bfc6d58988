package org.planwatch.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/** Every figure the mid-term evaluation publishes, beside ours: matched within rounding or explained. */
class PublishedReconciliationTest {
  private static SparkSession spark;

  @BeforeAll
  static void build() {
    TestWarehouses.curated();
    spark = TestSpark.session();
  }

  private static Row figure(String indicator, String measure, String sourceKind) {
    TestWarehouses.curated();
    return spark.sql("SELECT published_value, round(our_value, 4), matches, explanation_category FROM gold.published_reconciliation"
        + " WHERE plan_id = 'huzhou_14' AND indicator_code = '" + indicator + "' AND measure = '" + measure
        + "' AND source_kind = '" + sourceKind + "'").first();
  }

  @Test
  void withoutPublishedFiguresThereIsNothingToReconcile() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    Warehouse warehouse = curated.warehouse();
    Map<String, Dataset<Row>> silver = curated.silver();
    // A region whose documents publish no evaluation, no prose figure and no derived column: levels only.
    silver.put("published_evaluation", silver.get("published_evaluation").limit(0));
    silver.put("published_figure", silver.get("published_figure").limit(0));
    silver.put("observation", silver.get("observation").where("value_kind = 'level'"));
    Dataset<Row> rows = PublishedReconciliation.build(silver, spark.read().format("delta").load(warehouse.location(IndicatorProgress.SCHEMA)));
    assertEquals(0, rows.count());
    assertEquals(List.of(PublishedReconciliation.SCHEMA.columns().fieldNames()), List.of(rows.columns()));
  }

  @Test
  void nothingIsLeftUnexplained() {
    TestWarehouses.curated();
    List<Row> unexplained = spark.sql("SELECT indicator_code, measure, source_kind, published_value, our_value"
        + " FROM gold.published_reconciliation WHERE explanation_category = 'unexplained'").collectAsList();
    assertEquals(List.of(), unexplained);
  }

  @Test
  void computableAchievementRatesOfTable1MatchWithinRounding() {
    TestWarehouses.curated();
    // 29 rates printed: 24 match; the other 5 carry a curated explanation (datasets/reconciliation_notes).
    Row counts = spark.sql("SELECT count_if(matches), count(*), count_if(NOT matches AND explanation IS NOT NULL)"
        + " FROM gold.published_reconciliation"
        + " WHERE plan_id = 'huzhou_14' AND measure = 'achievement_rate' AND source_kind = 'table_evaluation'").first();
    assertEquals(24, counts.getLong(0));
    assertEquals(29, counts.getLong(1));
    assertEquals(5, counts.getLong(2));
    Row gdp = figure("gdp", "achievement_rate", "table_evaluation");
    assertEquals(36.1, gdp.getDouble(0));
    assertEquals(36.0614, gdp.getDouble(1));
    Row beds = figure("hospital_beds_per_1000", "achievement_rate", "table_evaluation");
    assertEquals(28.8, beds.getDouble(0));
    assertEquals(28.7582, beds.getDouble(1));
  }

  @Test
  void proseFiguresAreReproduced() {
    // Lines 150ff: urbanisation needs 1.9 points a year; PM2.5 a 4.8% yearly decline.
    Row urbanisation = figure("urbanisation_rate_resident", "required_annual_increment", "prose");
    assertEquals(1.9, urbanisation.getDouble(0));
    assertEquals(1.8667, urbanisation.getDouble(1));
    assertEquals("matches_within_rounding", urbanisation.getString(3));
    Row pm25 = figure("pm25_concentration", "required_cagr", "prose");
    assertEquals(-4.8, pm25.getDouble(0));
    assertEquals(-4.8269, pm25.getDouble(1));
  }

  @Test
  void twoYearGdpGrowthOfNinePointSixIsExplainedNotForced() {
    // The table and the prose print 9.6% average growth 2021-2022; the published levels give 9.66%.
    Row r = figure("gdp", "past_cagr", "prose");
    assertEquals(9.6, r.getDouble(0));
    assertEquals(9.6631, r.getDouble(1));
    assertEquals("other_inputs", r.getString(3));
  }

  @Test
  void publishedRatingsAgreeWhereBothAreComputed() {
    TestWarehouses.curated();
    Row r = spark.sql("SELECT count_if(explanation_category = 'same_rating'), count_if(explanation_category = 'unexplained')"
        + " FROM gold.published_reconciliation WHERE plan_id = 'huzhou_14' AND measure = 'progress_status'").first();
    assertEquals(28, r.getLong(0));
    assertEquals(0, r.getLong(1));
  }
}
