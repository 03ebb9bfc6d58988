package org.planwatch.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * The dashboard page from the curated warehouse (a real nightly run as of 2023-12-31): what it reads
 * from gold.indicator_progress, and that headless Chromium draws every chart of it.
 */
class ReportPageTest {
  private static final List<String> REGIONS = List.of("330500", "330502");
  private static Dashboard dashboard;

  @BeforeAll
  static void readCuratedWarehouse() {
    TestWarehouses.curated();
    dashboard = new DashboardQuery(TestSpark.session()).read(TestWarehouses.MID_TERM, REGIONS);
  }

  @Test
  void eachRegionShowsTheLatestEvaluationOfItsPlanInForce() {
    Dashboard.Region huzhou = dashboard.regions().get(0);
    assertEquals("huzhou_14", huzhou.planId());
    assertEquals("2023-06-30", huzhou.latestAsOf()); // half-year figures (revenue, FDI) are the newest
    // 37 targets of Table 1: 23 ahead, 4 on schedule, 6 behind, 4 without an achievement rate;
    // PM2.5 and good-air days moved away from their targets.
    assertEquals(new Dashboard.StatusCounts(23, 4, 6, 4, 2), huzhou.counts());
    Dashboard.Indicator gdp = indicator(huzhou, "gdp");
    // GDP 2022: 36.1% of the planned change at 2 of 5 years (000, 表1, lines 322-328), 进度正常.
    assertEquals("2022-12-31", gdp.asOf());
    assertEquals(0.361, gdp.achievementRate(), 0.0005);
    assertEquals(0.4, gdp.elapsedShare(), 1e-9);
    assertEquals("normal", gdp.status());
    assertEquals("36.1%", gdp.achievementText());
    assertEquals("9.7%", gdp.pastGrowthText()); // 3201.4 -> 2022 at 9.66% a year
    assertEquals("9.1%", gdp.requiredGrowthText());
    assertEquals("–", indicator(huzhou, "co2_intensity_reduction").achievementText());

    // Wuxing's 14th plan (the 13th ended in 2020): no actual after the 2020 base yet.
    Dashboard.Region wuxing = dashboard.regions().get(1);
    assertEquals("wuxing_14", wuxing.planId());
    assertEquals(new Dashboard.StatusCounts(0, 0, 0, 41, 0), wuxing.counts());
    assertFalse(wuxing.hasEvaluable());
    assertEquals("no actual after the 2020 base yet", wuxing.indicators().get(0).notEvaluableReason());
  }

  @Test
  void headlessChromiumDrawsEveryChart() throws Exception {
    Optional<Path> chromium = Chromium.find();
    assumeTrue(chromium.isPresent(), "chromium is not installed (Debian: apt-get install chromium): page not rendered");
    Path page = ReportCommand.write(dashboard, TestSpark.temporaryFolder("planwatch-report-").resolve("report.html"));

    Document dom = Jsoup.parse(Chromium.dumpDom(chromium.get(), page));

    // Huzhou: status, achievement, growth rates, growth in points; Wuxing: status only (the three
    // others say there is no data); the comparison: status shares (+ pairs when the table exists).
    int pairCharts = dashboard.comparison().hasPairs() ? 1 : 0;
    assertEquals(String.valueOf(6 + pairCharts), dom.body().attr("data-charts-expected"));
    assertEquals(dom.body().attr("data-charts-expected"), dom.body().attr("data-charts-finished"), "every chart reported 'finished'");
    for (Element chart : dom.select(".chart[data-chart]:not(.empty)")) {
      assertEquals("true", chart.attr("data-drawn"), chart.attr("data-chart"));
      Element svg = chart.selectFirst("svg");
      assertNotNull(svg, chart.attr("data-chart") + " has no SVG");
      assertTrue(svg.select("path").size() > 5, chart.attr("data-chart") + " drew almost nothing");
    }
    assertEquals(3, dom.select("section[data-region=330502] .chart.empty").size());

    // The achievement chart of Huzhou drew GDP's bar label and its bilingual axis label.
    Element achievement = dom.selectFirst(".chart[data-chart=achievement][data-region=330500] svg");
    assertNotNull(achievement);
    assertTrue(achievement.text().contains("生产总值（GDP）"), achievement.text());
    assertTrue(achievement.text().contains("Gross domestic product"), achievement.text());
    assertTrue(achievement.text().contains("36.1%"), achievement.text());
    // Status counts drawn on the region-share chart: 23 ahead in Huzhou, 41 not evaluable in Wuxing.
    String shares = dom.selectFirst(".chart[data-chart=status-share] svg").text();
    assertTrue(shares.contains("23") && shares.contains("41"), shares);

    if (dashboard.comparison().available()) {
      assertNotNull(dom.selectFirst(".chart[data-chart=planned-pace] svg"));
    } else {
      assertTrue(dom.getElementById("comparison-note").text().startsWith("Not yet available"));
    }
  }

  /**
   * With gold.district_city_comparison in the warehouse, the page reads the latest row of each pair.
   * Until the district evaluation writes the table, the test stands one up from the figures of issue 4
   * (Wuxing GDP 752.8 -> 1000 against Huzhou 3201.4 -> 5000).
   */
  @Test
  void comparisonSectionReadsTheDistrictCityTableWhenItExists() {
    // Figures typed DOUBLE (suffix D) as in the table's DDL; plain SQL literals would be DECIMAL.
    SparkSession spark = TestSpark.session();
    assumeFalse(spark.catalog().tableExists(DashboardQuery.COMPARISON), "the warehouse has the real table: see headlessChromiumDrawsEveryChart");
    spark.sql("CREATE VIEW " + DashboardQuery.COMPARISON + " AS SELECT * FROM VALUES"
        + " ('huzhou_14', 'wuxing_14', 'gdp', DATE'2020-12-31', '330500', '330502', '吴兴区', 'Wuxing District', '地区生产总值（GDP）',"
        + "  '生产总值（GDP）', 'Gross domestic product', 'same_definition', 'cagr', 0.0933D, 0.0584D, 0.235D, 0.2D, CAST(NULL AS DOUBLE),"
        + "  CAST(NULL AS DOUBLE), CAST(NULL AS STRING), CAST(NULL AS STRING), '5000', '1000', 'less_ambitious', 'district plans 5.84% a year, the city 9.33%'),"
        + " ('huzhou_14', 'wuxing_14', 'gdp', DATE'2019-12-31', '330500', '330502', '吴兴区', 'Wuxing District', 'older row',"
        + "  'older row', 'older row', 'same_definition', 'cagr', 0.1D, 0.1D, 0.2D, 0.2D, NULL, NULL, NULL, NULL, '', '', '', '')"
        + " AS t(" + String.join(", ", DashboardQuery.COMPARISON_COLUMNS) + ")");
    try {
      Dashboard.Comparison comparison = new DashboardQuery(spark).comparison(TestWarehouses.MID_TERM, REGIONS);
      assertTrue(comparison.available());
      assertEquals(1, comparison.pairs().size(), "the latest row of the pair only");
      Dashboard.Pair gdp = comparison.pairs().get(0);
      assertEquals("生产总值（GDP）", gdp.nameZh());
      assertEquals("5.8%", gdp.districtPaceText());
      assertEquals("9.3%", gdp.cityPaceText());
      assertEquals("23.5% → 20.0%", gdp.shareText());
      String html = new ReportPage().render(new Dashboard(dashboard.asOf(), dashboard.generatedAt(), dashboard.regions(), comparison));
      assertTrue(html.contains("data-chart=\"planned-pace\""));
      assertTrue(html.contains("district plans 5.84% a year, the city 9.33%"));
      assertFalse(html.contains("id=\"comparison-note\""));
    } finally {
      spark.sql("DROP VIEW IF EXISTS " + DashboardQuery.COMPARISON);
    }
  }

  private static Dashboard.Indicator indicator(Dashboard.Region region, String code) {
    return region.indicators().stream().filter(i -> i.code().equals(code)).findFirst().orElseThrow();
  }
}
