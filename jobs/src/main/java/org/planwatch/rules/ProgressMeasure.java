package org.planwatch.rules;

/**
 * The measures of gold.indicator_progress that a document's prose states, and how to compare them:
 * the SQL expression over gold.indicator_progress, and whether the document writes it in percent
 * (rates are fractions in gold, 0.096 = 9.6%).
 */
public enum ProgressMeasure implements Vocabulary.Coded {
  ACHIEVEMENT_RATE("achievement_rate", "实现度", "achievement_rate", true),
  PAST_CAGR("past_cagr", "已实现年均增速", "past_cagr", true),
  PLANNED_CAGR("planned_cagr", "规划年均增速", "planned_cagr", true),
  REQUIRED_CAGR("required_cagr", "剩余年份所需年均增速", "required_cagr", true),
  PAST_ANNUAL_INCREMENT("past_annual_increment", "已实现年均增量", "past_annual_increment", false),
  PLANNED_ANNUAL_INCREMENT("planned_annual_increment", "规划年均增量", "planned_annual_increment", false),
  REQUIRED_ANNUAL_INCREMENT("required_annual_increment", "剩余年份所需年均增量", "required_annual_increment", false),
  /** Growth achieved minus the planned rate (the printed one where the plan prints one), in points. */
  PAST_GROWTH_ABOVE_PLAN("past_growth_above_plan", "高于规划年均增速", "past_cagr - coalesce(planned_growth_rate, planned_cagr)", true),
  CHANGE_SINCE_BASE("change_since_base", "较基期增量", "actual_value - base_value", false),
  /** Achievement rate minus the share of the period elapsed (超时序进度), in points. */
  ACHIEVEMENT_MINUS_ELAPSED("achievement_minus_elapsed", "超时序进度", "achievement_rate - elapsed_share", true),
  ACTUAL_MINUS_TARGET("actual_minus_target", "高于目标", "actual_value - target_value", false),
  /** The figure compared with the target: the level, or for cumulative targets the running total. */
  ACTUAL_VALUE("actual_value", "实际值", "actual_value", false),
  /** A cumulative total over the plan period so far. */
  CUMULATIVE_ACTUAL("cumulative_actual", "累计值", "actual_value", false),
  GAP_TO_TARGET("gap_to_target", "距目标差距", "gap_to_target", false);

  private final String code;
  private final String zh;
  private final String goldExpression;
  private final boolean publishedInPercent;

  ProgressMeasure(String code, String zh, String goldExpression, boolean publishedInPercent) {
    this.code = code;
    this.zh = zh;
    this.goldExpression = goldExpression;
    this.publishedInPercent = publishedInPercent;
  }

  @Override
  public String code() {
    return code;
  }

  @Override
  public String zh() {
    return zh;
  }

  /** SQL over gold.indicator_progress giving our value of the measure, in the published unit. */
  public String ourValueSql() {
    return publishedInPercent ? "(" + goldExpression + ") * 100" : goldExpression;
  }
}
