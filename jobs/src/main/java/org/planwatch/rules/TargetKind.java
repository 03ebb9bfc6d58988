package org.planwatch.rules;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The kinds of five-year-plan targets, and which values each kind needs. A plan row whose values do
 * not fit its kind is quarantined by the silver stage with the reason {@link #problem} gives.
 *
 * <p>How each kind is evaluated is in {@link ProgressFormulas}.
 */
public enum TargetKind implements Vocabulary.Coded {
  /** Reach a level by the target year: GDP 3201.4 -> 5000 (湖州 表1 row 1). */
  LEVEL("level", "水平目标"),
  /** Grow on average by a rate a year: ">6", "7左右", "10以上" (表1 rows 2, 13, 27). */
  ANNUAL_GROWTH("annual_growth", "年均增长目标"),
  /** The sum of the yearly values over the plan period: foreign capital [60] (表1 row 12). */
  CUMULATIVE("cumulative", "累计目标"),
  /** Stay at or below: unemployment ≤4.5 (表1 row 26). */
  CEILING("ceiling", "上限目标"),
  /** Stay at or above. */
  FLOOR("floor", "下限目标"),
  /** Keep the base level: class III water 100 -> 100 (表1 row 20). */
  MAINTAIN("maintain", "保持目标"),
  /** Grow at least as fast as the economy: 与经济增长同步 (表1 row 5). */
  SYNC_WITH_ECONOMY("sync_with_economy", "与经济增长同步"),
  /** Stay above the province average: 高于全省平均 (表1 row 14). */
  ABOVE_PROVINCE_AVERAGE("above_province_average", "高于全省平均"),
  /** Complete what the province or city assigns: 完成省下达目标 (表1 rows 15-17, 36). */
  ASSIGNED("assigned", "完成上级下达目标");

  private final String code;
  private final String zh;

  TargetKind(String code, String zh) {
    this.code = code;
    this.zh = zh;
  }

  @Override
  public String code() {
    return code;
  }

  @Override
  public String zh() {
    return zh;
  }

  /** True for kinds that are either met or not at a date (no share of progress). */
  public boolean isBinary() {
    return switch (this) {
      case CEILING, FLOOR, MAINTAIN, SYNC_WITH_ECONOMY, ABOVE_PROVINCE_AVERAGE, ASSIGNED -> true;
      default -> false;
    };
  }

  /**
   * Why a plan row does not fit this kind, or null when it fits. Columns: base and target as
   * printed, the planned growth value and kind, and the indicator's direction.
   */
  public Column problem(
      Column baseValue, Column targetValue, Column plannedGrowth, Column plannedGrowthKind, Column direction) {
    Column growthRate = plannedGrowthKind.equalTo(lit("annual_growth_rate"));
    Column cumulativeTotal = plannedGrowthKind.equalTo(lit("cumulative_total"));
    return switch (this) {
      case LEVEL ->
          when(targetValue.isNull(), lit("a level target needs target_value"))
              .when(baseValue.isNotNull().and(baseValue.equalTo(targetValue)),
                  lit("base equals target: a level target must move; use target_kind maintain"))
              .when(baseValue.isNotNull().and(direction.equalTo(lit("higher_better")))
                      .and(targetValue.lt(baseValue)),
                  lit("target below base for a higher-is-better indicator: use floor, or check the direction"))
              .when(baseValue.isNotNull().and(direction.equalTo(lit("lower_better")))
                      .and(targetValue.gt(baseValue)),
                  lit("target above base for a lower-is-better indicator: use ceiling, or check the direction"));
      case ANNUAL_GROWTH ->
          when(plannedGrowth.isNull().or(growthRate.isNull()).or(growthRate.equalTo(lit(false))),
                  lit("an annual_growth target needs planned_growth_value with planned_growth_kind annual_growth_rate"))
              .when(targetValue.isNotNull(),
                  lit("an annual_growth target has no target_value: a printed level makes it a level target"));
      case CUMULATIVE ->
          when(targetValue.isNull()
                  .and(plannedGrowth.isNull().or(cumulativeTotal.isNull()).or(cumulativeTotal.equalTo(lit(false)))),
              lit("a cumulative target needs target_value or planned_growth_value with planned_growth_kind cumulative_total"));
      case CEILING, FLOOR ->
          when(targetValue.isNull(), lit("a " + code + " target needs target_value"));
      case MAINTAIN ->
          when(targetValue.isNull(), lit("a maintain target needs target_value"))
              .when(baseValue.isNotNull().and(baseValue.notEqual(targetValue)),
                  lit("a maintain target keeps the base: base_value must equal target_value"));
      case SYNC_WITH_ECONOMY, ABOVE_PROVINCE_AVERAGE, ASSIGNED ->
          when(targetValue.isNotNull(), lit("a " + code + " target is relative: target_value must be empty"));
    };
  }
}
