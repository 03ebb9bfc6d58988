package org.planwatch.rules;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * How far a plan target has come: the achievement rate (实现度), the gap, and the growth achieved,
 * planned and still required. Every formula of planwatch lives here; the gold job only composes them.
 *
 * <p>Notation: b base value (revised where a footnote revises it), t target value, a actual value at
 * the evaluation date, c cumulative actual since the plan start, F growth factor achieved since the
 * base (product of 1 + yearly growth), g planned average annual growth (a fraction), N plan years
 * (5), n elapsed years, r = N - n years left, s = +1 for higher-is-better and -1 for lower-is-better.
 *
 * <p>Elapsed time counts months: n = months from the plan start to the day after the evaluation
 * date, divided by 12. 2022-12-31 gives n = 2 (share 0.4), 2023-06-30 gives n = 2.5 (share 0.5), as
 * in the mid-term evaluation (000, lines 136-138: 60.1% at 2023 H1 is "超时序进度10个百分点").
 *
 * <table>
 *   <caption>Achievement rate by kind of target</caption>
 *   <tr><th>kind</th><th>achievement rate</th><th>source it reproduces</th></tr>
 *   <tr><td>level</td><td>(a - b) / (t - b); 1 once s(a - t) &ge; 0</td>
 *       <td>000 表1: GDP (3850 - 3201.4) / (5000 - 3201.4) = 36.1%; beds (5.91 - 5.47) / (7 - 5.47) = 28.8%;
 *       accident death rate 0.014 &le; 0.0176: 100%</td></tr>
 *   <tr><td>cumulative</td><td>min(1, c / t)</td><td>foreign capital 36.06 / 60 = 60.1%; myopia 2.62 / 5 = 52.4%</td></tr>
 *   <tr><td>annual growth</td><td>min(1, ln F / (N ln(1 + g)))</td>
 *       <td>not stated by the document; see below</td></tr>
 *   <tr><td>ceiling, floor, maintain, assigned, sync, above province</td><td>1 when met, 0 when not</td>
 *       <td>表1: rows 17, 20, 21, 36, 37 are 100% when met</td></tr>
 * </table>
 *
 * <p>Annual growth targets (">6", "7左右", "10以上") compare the compounded growth achieved with the
 * compounded growth planned: the achievement rate is the share of the period's planned compound
 * growth achieved so far, measured in log terms, ln F / ln (1 + g)^N. Growing exactly at the planned
 * rate for n years gives n / N, the elapsed share, so the elapsed-time rating applies unchanged (the
 * share (F - 1) / ((1 + g)^N - 1) would rate an on-plan indicator as behind, because compound growth
 * back-loads the change). The document publishes 55% (labour productivity) and 42% (income) for such
 * rows without stating a formula; gold.published_reconciliation shows the comparison.
 *
 * <p>Growth: past_cagr = (a / b)^(1/n) - 1 (or F^(1/n) - 1 when yearly growth rates are given);
 * planned_cagr = (t / b)^(1/N) - 1; required_cagr = (t / a)^(1/r) - 1. Increments: past = (a - b) / n,
 * planned = (t - b) / N, required = (t - a) / r. Both are given for every indicator; its growth model
 * says which one the indicator moves by (percentages in points, amounts by rates), and
 * required_to_planned uses that one. Reproduces 000 lines 185-189 (good-air days need +4.1 points a
 * year, PM2.5 -4.8% a year) and 227-231 (urbanisation +0.4 a year so far, 1.28 planned, 1.9 needed).
 */
public final class ProgressFormulas {
  private ProgressFormulas() {}

  // Columns the formulas read.
  static final Column KIND = col("target_kind");
  static final Column A = col("level");
  static final Column B = col("base_value");
  static final Column T = col("target_value");
  static final Column C = col("cumulative");
  static final Column F = col("factor");
  static final Column N = col("plan_years");
  static final Column n = col("elapsed_years");
  static final Column r = col("years_left");
  static final Column S = col("sign");

  static Column kind(TargetKind k) {
    return KIND.equalTo(k.code());
  }

  static Column kindIn(TargetKind... kinds) {
    return KIND.isin(java.util.Arrays.stream(kinds).map(TargetKind::code).toArray());
  }

  /** Planned average annual growth as a fraction, where the plan prints one (GDP 9.4 -> 0.094). */
  static Column plannedGrowthRate() {
    return when(col("planned_growth_kind").equalTo("annual_growth_rate"), col("planned_growth_value").divide(100));
  }

  /** A planned cumulative increase in the unit ([4.5] points of reading rate). */
  static Column plannedIncrement() {
    return when(col("planned_growth_kind").equalTo("cumulative_increment"), col("planned_growth_value"));
  }

  /** min(1, x), keeping null as null (Spark's least skips nulls: least(1, null) would be 1). */
  static Column atMostOne(Column x) {
    return when(x.isNotNull(), least(lit(1.0), x));
  }

  /** Average annual growth from {@code from} to {@code to} over {@code years}: (to / from)^(1/years) - 1; null unless both are positive. */
  public static Column compoundGrowth(Column from, Column to, Column years) {
    return when(from.gt(0).and(to.gt(0)).and(years.gt(0)), pow(to.divide(from), lit(1.0).divide(years)).minus(1));
  }

  /** Rounded for comparisons, so that 0.45 computed as 0.44999999999 still counts as 0.45. */
  static Column exact(Column x) {
    return round(x, 9);
  }

  /**
   * round(a, 9) >= round(b, 9) ({@link #exact}), with Spark's rounding (a decimal string and a BigDecimal
   * per value: 9% of gold's samples in a full recompute) only where a and b are within a rounding unit
   * of each other. Rounding is monotone, so a >= b gives true. Values more than 1e-9 apart, plus a
   * margin for the decimal string's own error (1e-15 of their size, some five units in the last place),
   * round to different units, in their order: a < b then gives false. Nulls give null, NaN and the
   * infinities the rounded comparison's result.
   *
   * <p>For columns and small expressions of them: a and b appear three times each, and with formulas
   * the projection that computes the outlook grew past the JVM's 64 KB per method (Spark then ran it
   * without whole-stage code generation). Formulas are compared as {@code exact(a).geq(exact(b))}.
   */
  static Column atLeast(Column a, Column b) {
    return when(a.geq(b), lit(true)).when(apart(a, b), lit(false)).otherwise(exact(a).geq(exact(b)));
  }

  /** round(a, 9) = round(b, 9), rounding only where a and b are close ({@link #atLeast}). */
  static Column sameAs(Column a, Column b) {
    return when(a.equalTo(b), lit(true)).when(apart(a, b), lit(false)).otherwise(exact(a).equalTo(exact(b)));
  }

  /** More than a rounding unit apart: 1e-9, and the error of the decimal string each value is rounded from. */
  private static Column apart(Column a, Column b) {
    return abs(a.minus(b)).gt(lit(1e-9).plus(abs(a).plus(abs(b)).multiply(lit(1e-15))));
  }

  /** First layer: time elapsed and the direction sign. Needs plan_start, plan_years, as_of, direction. */
  public static List<Column> time() {
    Column elapsed = round(months_between(date_add(col("as_of"), 1), col("plan_start"), false).divide(12), 6);
    return List.of(
        elapsed.as("elapsed_years"),
        atMostOne(elapsed.divide(N)).as("elapsed_share"),
        N.minus(elapsed).as("years_left"),
        when(col("direction").equalTo("lower_better"), -1).otherwise(1).as("sign"));
  }

  /** The figure compared with the target: the running total for cumulative targets, else the level. */
  static Column actualValue() {
    return when(kind(TargetKind.CUMULATIVE), C).otherwise(A);
  }

  /** Whether the target is met at the evaluation date (for growth targets: on pace so far). */
  static Column targetMet(EvaluationSettings settings) {
    Column g = plannedGrowthRate();
    Column inc = plannedIncrement();
    Column band = col("direction").equalTo("target_band");
    Column levelMet = when(band, sameAs(A, T)).otherwise(atLeast(S.multiply(A.minus(T)), lit(0.0)));
    Column status = col("status_met");
    return when(kind(TargetKind.LEVEL), levelMet)
        .when(kind(TargetKind.CUMULATIVE), atLeast(C, T))
        .when(kind(TargetKind.ANNUAL_GROWTH), exact(pastCagr()).geq(exact(g)))
        .when(kind(TargetKind.CEILING), when(A.isNotNull(), atLeast(T, A)).otherwise(status))
        .when(kind(TargetKind.FLOOR), when(A.isNotNull(), atLeast(A, T)).otherwise(status))
        .when(kind(TargetKind.MAINTAIN), when(A.isNotNull(), levelMet).otherwise(status))
        .when(kind(TargetKind.SYNC_WITH_ECONOMY),
            atLeast(col("growth_x"), col("growth_ref").minus(settings.syncTolerance())))
        .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE),
            when(col("province_value").isNotNull(), A.gt(col("province_value")))
                .when(inc.isNotNull(), atLeast(A.minus(B), inc)))
        .when(kind(TargetKind.ASSIGNED), status);
  }

  /** 实现度: see the class comment for the formula of each kind. */
  static Column achievementRate(Column met) {
    Column g = plannedGrowthRate();
    Column inc = plannedIncrement();
    Column binary = when(met, lit(1.0)).when(met.equalTo(false), lit(0.0));
    return when(kind(TargetKind.LEVEL), when(B.isNull(), lit(null)).when(met, lit(1.0)).otherwise(A.minus(B).divide(T.minus(B))))
        .when(kind(TargetKind.CUMULATIVE), atMostOne(C.divide(T)))
        .when(kind(TargetKind.ANNUAL_GROWTH),
            when(g.gt(0), atMostOne(log(F).divide(N.multiply(log(g.plus(1)))))))
        .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE).and(col("province_value").isNull()).and(inc.isNotNull()),
            when(met, lit(1.0)).otherwise(A.minus(B).divide(inc)))
        .otherwise(binary);
  }

  /** Why no achievement rate can be computed (null when it can): never a silent null. */
  static Column notEvaluableReason(Column achievement) {
    Column g = plannedGrowthRate();
    Column reason =
        when(kind(TargetKind.LEVEL).and(B.isNull()),
                lit("no base value is published: the achievement rate of a level target needs it"))
            .when(kind(TargetKind.LEVEL).and(T.isNull()), lit("no target value"))
            .when(kind(TargetKind.ANNUAL_GROWTH).and(g.isNull().or(g.leq(0))), lit("the planned growth rate must be positive"))
            .when(kind(TargetKind.SYNC_WITH_ECONOMY).and(col("growth_ref").isNull()),
                lit("no GDP growth of the same region and period to compare with (与经济增长同步)"))
            .when(kind(TargetKind.SYNC_WITH_ECONOMY).and(col("growth_x").isNull()),
                lit("no growth of the indicator for this period: needs its level and base, or its growth rate"))
            .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE),
                lit("needs the province average (高于全省平均), which no dataset supplies: add it to datasets/observations for the province"))
            .when(kind(TargetKind.ASSIGNED),
                lit("no report whether the assigned target (完成上级下达目标) is met: needs an observation with value_kind status"))
            .when(kindIn(TargetKind.CEILING, TargetKind.FLOOR, TargetKind.MAINTAIN),
                lit("no level on the target's statistical scope and no status report"))
            .otherwise(lit("not computable from the figures available"));
    return when(achievement.isNull(), reason);
  }

  static Column pastCagr() {
    Column fromLevels = when(A.gt(0).and(B.gt(0)).and(n.gt(0)), pow(A.divide(B), lit(1.0).divide(n)).minus(1));
    Column fromFactor = when(F.gt(0).and(n.gt(0)), pow(F, lit(1.0).divide(n)).minus(1));
    return when(kind(TargetKind.SYNC_WITH_ECONOMY), col("growth_x"))
        .when(kind(TargetKind.CUMULATIVE), lit(null))
        .otherwise(org.apache.spark.sql.functions.coalesce(fromFactor, fromLevels));
  }

  static Column pastAnnualIncrement() {
    return when(n.leq(0), lit(null))
        .when(kind(TargetKind.CUMULATIVE), C.divide(n))
        .when(col("measure_type").equalTo("growth_rate"), lit(null))
        .otherwise(A.minus(B).divide(n));
  }

  static Column plannedCagr() {
    return when(kind(TargetKind.ANNUAL_GROWTH), plannedGrowthRate())
        .when(kind(TargetKind.LEVEL).and(T.gt(0)).and(B.gt(0)), pow(T.divide(B), lit(1.0).divide(N)).minus(1));
  }

  static Column plannedAnnualIncrement() {
    return when(kind(TargetKind.LEVEL), T.minus(B).divide(N))
        .when(kind(TargetKind.CUMULATIVE), T.divide(N))
        .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE), plannedIncrement().divide(N));
  }

  static Column requiredAnnualIncrement() {
    return when(r.leq(0), lit(null))
        .when(kind(TargetKind.LEVEL), T.minus(A).divide(r))
        .when(kind(TargetKind.CUMULATIVE), T.minus(C).divide(r))
        .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE), B.plus(plannedIncrement()).minus(A).divide(r));
  }

  static Column requiredCagr() {
    Column g = plannedGrowthRate();
    return when(r.leq(0), lit(null))
        .when(kind(TargetKind.LEVEL).and(A.gt(0)).and(T.gt(0)), pow(T.divide(A), lit(1.0).divide(r)).minus(1))
        .when(kind(TargetKind.ANNUAL_GROWTH).and(F.gt(0)), pow(pow(g.plus(1), N).divide(F), lit(1.0).divide(r)).minus(1));
  }

  /** Target minus actual in the indicator's unit, signed so that a positive gap is still to go. */
  static Column gapToTarget() {
    Column band = col("direction").equalTo("target_band");
    return when(kindIn(TargetKind.LEVEL, TargetKind.CEILING, TargetKind.FLOOR, TargetKind.MAINTAIN),
            when(band, abs(T.minus(A))).otherwise(S.multiply(T.minus(A))))
        .when(kind(TargetKind.CUMULATIVE), T.minus(C))
        .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE),
            when(col("province_value").isNotNull(), col("province_value").minus(A)).otherwise(B.plus(plannedIncrement()).minus(A)));
  }

  static Column gapShare(Column gap) {
    return when(kind(TargetKind.LEVEL).and(T.notEqual(B)), gap.divide(abs(T.minus(B))))
        .when(kind(TargetKind.CUMULATIVE), gap.divide(T))
        .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE).and(col("province_value").isNull()), gap.divide(plannedIncrement()));
  }

  static Column movingAway(Column met) {
    Column g = plannedGrowthRate();
    return when(kind(TargetKind.LEVEL), A.minus(B).multiply(T.minus(B)).lt(0))
        .when(kind(TargetKind.CUMULATIVE), C.lt(0))
        .when(kind(TargetKind.ANNUAL_GROWTH), F.lt(1).and(g.gt(0)))
        .when(kindIn(TargetKind.CEILING, TargetKind.FLOOR, TargetKind.MAINTAIN),
            met.equalTo(false).and(B.isNotNull()).and(A.isNotNull()).and(S.multiply(A.minus(B)).lt(0)))
        .otherwise(lit(false));
  }

  /**
   * Second layer: whether the target is met at the evaluation date. Needs the first layer and the
   * actuals (level, cumulative, factor, status_met, growth_x, growth_ref, province_value). A layer of
   * its own because the measures read it five times: inlined, its code and its work were repeated.
   */
  public static List<Column> met(EvaluationSettings settings) {
    return List.of(targetMet(settings).as("target_met"));
  }

  /** Third layer: the measures of the evaluation date. Needs the layers before and the actuals. */
  public static List<Column> measures(EvaluationSettings settings) {
    Column met = col("target_met");
    Column achievement = achievementRate(met);
    Column gap = gapToTarget();
    Column inc = plannedIncrement();
    return List.of(
        actualValue().as("actual_value"),
        achievement.as("achievement_rate"),
        notEvaluableReason(achievement).as("not_evaluable_reason"),
        movingAway(met).as("moving_away"),
        gap.as("gap_to_target"),
        gapShare(gap).as("gap_share"),
        pastAnnualIncrement().as("past_annual_increment"),
        pastCagr().as("past_cagr"),
        plannedAnnualIncrement().as("planned_annual_increment"),
        plannedCagr().as("planned_cagr"),
        plannedGrowthRate().as("planned_growth_rate"),
        requiredAnnualIncrement().as("required_annual_increment"),
        requiredCagr().as("required_cagr"),
        when(kind(TargetKind.SYNC_WITH_ECONOMY), col("growth_ref"))
            .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE), org.apache.spark.sql.functions.coalesce(col("province_value"), B.plus(inc)))
            .as("reference_value"),
        when(kind(TargetKind.SYNC_WITH_ECONOMY), lit("GDP average annual growth over the same period (fraction) | 同期GDP年均增速"))
            .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE).and(col("province_value").isNotNull()), lit("province average | 全省平均"))
            .when(kind(TargetKind.ABOVE_PROVINCE_AVERAGE).and(inc.isNotNull()),
                lit("base plus the planned cumulative increase (no province figure) | 基期值加规划累计增幅"))
            .as("reference_label"));
  }

  /** Fourth layer: what the pace so far leads to. Needs the layers before. */
  public static List<Column> outlook() {
    Column a = col("actual_value");
    Column pastInc = col("past_annual_increment");
    Column pastCagr = col("past_cagr");
    Column compound = col("growth_model").equalTo("compound");
    Column projected =
        when(kind(TargetKind.CUMULATIVE), C.plus(pastInc.multiply(r)))
            .when(kind(TargetKind.ANNUAL_GROWTH).or(kind(TargetKind.SYNC_WITH_ECONOMY)), lit(null))
            .when(compound.and(pastCagr.isNotNull()), a.multiply(pow(pastCagr.plus(1), r)))
            .otherwise(a.plus(pastInc.multiply(r)));
    Column met = col("target_met");
    Column reaches = when(kind(TargetKind.CUMULATIVE), exact(projected).geq(exact(T)))
        .otherwise(exact(S.multiply(projected.minus(T))).geq(0));
    Column attainment =
        when(col("achievement_rate").isNull(), lit(null))
            .when(kindIn(TargetKind.LEVEL, TargetKind.CUMULATIVE),
                when(met, lit("achieved")).when(reaches, lit("achievable")).otherwise(lit("difficult")))
            .when(kind(TargetKind.ANNUAL_GROWTH),
                when(atLeast(pastCagr, plannedGrowthRate()), lit("achievable")).otherwise(lit("difficult")))
            .otherwise(when(met, lit("achievable")).otherwise(lit("difficult")));
    Column requiredToPlanned =
        when(kind(TargetKind.ANNUAL_GROWTH).or(kind(TargetKind.LEVEL).and(compound)),
                col("required_cagr").divide(col("planned_cagr")))
            .otherwise(col("required_annual_increment").divide(col("planned_annual_increment")));
    return List.of(
        when(col("achievement_rate").isNotNull(), projected).as("projected_end_value"),
        attainment.as("expected_attainment"),
        when(attainment.equalTo("achieved"), lit("已完成"))
            .when(attainment.equalTo("achievable"), lit("可以完成"))
            .when(attainment.equalTo("difficult"), lit("存在难度"))
            .as("expected_attainment_zh"),
        requiredToPlanned.as("required_to_planned"));
  }
}
