package org.planwatch.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/** gold.commitment_scorecard on the curated lists, figures read off the documents. */
class CommitmentScorecardTest {
  private static final String COLUMNS =
      "commitments, quantified_commitments, qualitative_commitments, target_quantities, achieved_quantities, results_reported,"
          + " completion_rates_stated, commitments_with_completion_rate, completion_rate_min, completion_rate_median, completion_rate_max,"
          + " commitments_met, met_by_quantity, met_by_completion_rate, commitments_not_met, commitments_unclear";

  @BeforeAll
  static void warehouse() {
    TestWarehouses.curated();
  }

  @Test
  void disabledPersonsFederation2024StatesACompletionRateForEveryResult() {
    // 002 l.313-328: 完成率 120 (就业816人), 177 (培训1996人), 190 (辅具4388名), 142 and 129 (康复704名, 439名),
    // 109 and 184 (无障碍393户, 居家92户): seven rates, sorted 109 120 129 142 177 184 190, median 142.
    // Eleven achieved figures: 816人; 40名 7人 1996人; 4388名 14名 55.5‰; 704名 439名; 393户 92户.
    assertEquals("5 5 0 0 11 5 7 5 109.0 142.0 190.0 5 0 5 0 0", card(2024, "湖州市残疾人联合会"));
  }

  @Test
  void developmentAndReformCommission2024StatesOneRateTheOtherResultsAreUnclear() {
    // 002 l.173-188: 完成年度目标的136.4% (轨道交通) is the only rate; items 1-4 report figures (3 + 5 + 5 + 4, item 5 one more:
    // 109.1亿元) without a target or rate
    assertEquals("5 5 0 0 18 5 1 1 136.4 136.4 136.4 1 0 1 0 4", card(2024, "湖州市发展和改革委员会"));
  }

  @Test
  void financeBureau2022HasTwoQuantifiedTargetsAndNoResults() {
    // 004 l.317-329: 新争取政府债券200亿元以上; 留抵退税100亿元以上 and 财政科技投入增长15%以上; items 1, 4, 5 have no number
    assertEquals("5 2 3 3 0 0 0 0 null null null 0 0 0 0 0", card(2022, "湖州市财政局"));
  }

  private static String card(int year, String department) {
    List<Row> rows = TestSpark.session()
        .sql("SELECT " + COLUMNS + " FROM gold.commitment_scorecard WHERE year = " + year + " AND department_zh = '" + department + "'")
        .collectAsList();
    assertEquals(1, rows.size());
    StringBuilder out = new StringBuilder();
    Row r = rows.get(0);
    for (int i = 0; i < r.length(); i++) {
      out.append(i == 0 ? "" : " ").append(r.get(i));
    }
    return out.toString();
  }
}
