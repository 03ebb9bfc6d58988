package org.planwatch.report;

import java.util.List;
import java.util.Locale;

/**
 * What the dashboard page shows, read from the gold tables. The records are serialised as the page's
 * chart data (raw figures: fractions, not percentages) and rendered by the template, which reads the
 * display methods (..._text) for its tables.
 */
public record Dashboard(String asOf, String generatedAt, List<Region> regions, Comparison comparison) {

  /** One region's plan in force at the report date, with the latest evaluation of each indicator. */
  public record Region(
      String regionCode,
      String nameZh,
      String nameEn,
      String planId,
      int baseYear,
      int targetYear,
      String latestAsOf,
      List<Indicator> indicators,
      StatusCounts counts) {

    public String anchor() {
      return "region-" + regionCode;
    }

    public boolean hasEvaluable() {
      return counts.evaluable() > 0;
    }
  }

  /** Indicators of a region by progress status (ahead, normal, slow) and not evaluable. */
  public record StatusCounts(int ahead, int normal, int slow, int notEvaluable, int movingAway) {
    public int evaluable() {
      return ahead + normal + slow;
    }

    public int total() {
      return evaluable() + notEvaluable;
    }
  }

  /** The latest evaluation of one plan target (one row of gold.indicator_progress). */
  public record Indicator(
      String code,
      String nameZh,
      String nameEn,
      String unit,
      String categoryZh,
      String categoryEn,
      String attribute,
      String targetKind,
      String growthModel,
      String asOf,
      Double baseValue,
      Double targetValue,
      String targetText,
      Double actualValue,
      Double elapsedShare,
      boolean evaluable,
      String notEvaluableReason,
      Double achievementRate,
      String status,
      String statusZh,
      String statusEn,
      Boolean movingAway,
      Double pastCagr,
      Double plannedCagr,
      Double requiredCagr,
      Double pastAnnualIncrement,
      Double plannedAnnualIncrement,
      Double requiredAnnualIncrement,
      String expectedAttainmentZh) {

    /** Linear indicators move in points of their unit a year; the others by a growth rate. */
    public boolean linear() {
      return "linear".equals(growthModel);
    }

    public String statusClass() {
      return status == null ? "not-evaluable" : status;
    }

    public String statusText() {
      return status == null ? "不可评估 not evaluable" : statusZh + " " + statusEn;
    }

    public String baseText() {
      return number(baseValue);
    }

    public String targetShown() {
      return targetText != null && !targetText.isBlank() ? targetText : number(targetValue);
    }

    public String actualText() {
      return number(actualValue);
    }

    public String achievementText() {
      return percent(achievementRate);
    }

    public String elapsedText() {
      return percent(elapsedShare);
    }

    public String pastGrowthText() {
      return linear() ? increment(pastAnnualIncrement, unit) : percent(pastCagr);
    }

    public String requiredGrowthText() {
      return linear() ? increment(requiredAnnualIncrement, unit) : percent(requiredCagr);
    }
  }

  /**
   * Wuxing against the city. The region-level status shares come from gold.indicator_progress and are
   * always there; the indicator-by-indicator rows come from gold.district_city_comparison when the
   * warehouse has it ({@code available}), else {@code note} says why not.
   */
  public record Comparison(boolean available, String note, String source, List<Pair> pairs) {
    public boolean hasPairs() {
      return !pairs.isEmpty();
    }
  }

  /** One district indicator beside the city's (one row of gold.district_city_comparison). */
  public record Pair(
      String canonicalCode,
      String cityCode,
      String districtCode,
      String districtNameZh,
      String districtNameEn,
      String cityIndicatorNameZh,
      String districtIndicatorNameZh,
      String indicatorNameEn,
      String comparability,
      String ambitionMeasure,
      Double cityPlannedPace,
      Double districtPlannedPace,
      Double shareAtBase,
      Double shareAtTarget,
      Double cityAchievementRate,
      Double districtAchievementRate,
      String cityProgressStatus,
      String districtProgressStatus,
      String cityTargetText,
      String districtTargetText,
      String flags,
      String flagReasons) {

    public String nameZh() {
      return districtIndicatorNameZh != null ? districtIndicatorNameZh : cityIndicatorNameZh;
    }

    private boolean rates() {
      return "cagr".equals(ambitionMeasure) || "average_year_vs_base".equals(ambitionMeasure);
    }

    public String cityPaceText() {
      return rates() ? percent(cityPlannedPace) : number(cityPlannedPace);
    }

    public String districtPaceText() {
      return rates() ? percent(districtPlannedPace) : number(districtPlannedPace);
    }

    public String shareText() {
      return shareAtBase == null && shareAtTarget == null ? "" : percent(shareAtBase) + " → " + percent(shareAtTarget);
    }

    public String achievementText() {
      return cityAchievementRate == null && districtAchievementRate == null
          ? "" : percent(districtAchievementRate) + " / " + percent(cityAchievementRate);
    }
  }

  static String percent(Double fraction) {
    return fraction == null ? "–" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  static String number(Double value) {
    if (value == null) {
      return "–";
    }
    String text = String.format(Locale.ROOT, "%.2f", value);
    return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
  }

  /** A yearly change in the indicator's unit; percentages move in points (百分点). */
  static String increment(Double value, String unit) {
    if (value == null) {
      return "–";
    }
    String perYear = "%".equals(unit) ? " pt/yr" : unit == null || unit.isBlank() ? "/yr" : " " + unit + "/yr";
    return (value > 0 ? "+" : "") + number(value) + perYear;
  }
}
