package org.planwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/**
 * {@code planwatch sql --format csv}: what a statistician pastes into a spreadsheet. Huzhou's GDP
 * (000_66bfa2501842d5a5.txt, 表1): 3201.4 in 2020, 3644.9 in 2021, 3850 in 2022, target 5000 in 2025;
 * R&D share's 2020 base revised from 2.9 to 3.09 (表1 note 4).
 */
class SqlCsvOutputTest {
  private static String csv(String query) throws IOException {
    StringBuilder out = new StringBuilder();
    SqlCommand.printCsv(TestSpark.session().sql(query), out);
    return out.toString();
  }

  @Test
  void arraysAndStructsArePrintedAsJson() throws IOException {
    assertEquals("""
        region_code,actuals,target
        330500,"[3644.9,3850.0]","{""year"":2025,""value"":5000.0}"
        """,
        csv("SELECT '330500' AS region_code, array(3644.9D, 3850D) AS actuals,"
            + " named_struct('year', 2025, 'value', 5000D) AS target"));
  }

  @Test
  void columnsOfTheSameNameArePrintedByPosition() throws IOException {
    // A join's result often has two columns of one name: 2022's GDP as first published and as revised.
    assertEquals("""
        value,value
        3850.0,[3901.6]
        """,
        csv("SELECT 3850D AS value, array(3901.6D) AS value"));
  }

  @Test
  void decimalsArePrintedInPlainNotation() throws IOException {
    // BigDecimal's own toString prints the second as 1.0E-7.
    assertEquals("""
        rnd_share_base_revised,small_share
        3.09,0.00000010
        """,
        csv("SELECT CAST(3.09 AS DECIMAL(5, 2)) AS rnd_share_base_revised, CAST(0.0000001 AS DECIMAL(12, 8)) AS small_share"));
  }

  @Test
  void nullsAreEmptyAndTextWithCommasIsQuoted() throws IOException {
    assertEquals("""
        indicator_code,value_text,status_met
        gdp,"9.4（名义增速）, nominal",
        """,
        csv("SELECT 'gdp' AS indicator_code, '9.4（名义增速）, nominal' AS value_text, CAST(NULL AS BOOLEAN) AS status_met"));
  }
}
