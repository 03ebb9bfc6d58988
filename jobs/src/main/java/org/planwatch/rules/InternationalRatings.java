package org.planwatch.rules;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Three international ways of rating progress towards a target, beside the Chinese rating
 * ({@link ProgressRating}). Thresholds are in {@link EvaluationSettings}. Each rating is
 * {@code not_applicable} where its method has no rule for the kind of target, and
 * {@code not_assessable} where the figures it needs are missing.
 *
 * <ul>
 *   <li><b>Eurostat</b> (EU SDG monitoring report, methodological annex). Quantified targets: the ratio
 *       of the observed compound annual growth rate (base to actual) to the rate required from base to
 *       target: &ge; 95% significant_progress, 60-95% moderate_progress, 0-60% insufficient_progress,
 *       &lt; 0 moving_away. For growth targets the required rate is the planned one; for cumulative
 *       targets the ratio of average yearly amounts. Targets without a number (ceiling, maintain,
 *       relative, assigned): the direction-adjusted CAGR, &gt; 1% significant_progress, 0-1%
 *       moderate_progress, -1%-0 moderate_movement_away, &lt; -1% significant_movement_away.
 *   <li><b>UN Statistics Division</b> (SDG progress chart, technical note). The value projected to the
 *       target year at the observed CAGR, as a share of the required change (p - b) / (t - b):
 *       &ge; 0.95 met_or_almost_met, 0.5-0.95 fair_progress, -0.1-0.5 limited_or_no_progress,
 *       &lt; -0.1 deterioration; target_achieved when the latest value already passes the target.
 *       Cumulative targets project the running total linearly; growth targets compare the growth
 *       compounded to the target year with the planned.
 *   <li><b>German sustainability strategy weather</b> (Destatis indicator report). The average of the
 *       recent yearly changes projected linearly to the target year; the miss as a share of the
 *       remaining distance: &lt; 5% sun, 5-20% light_cloud, &gt; 20% cloud when moving the right way,
 *       thunderstorm when not. Within a five-year plan every yearly change since the base is recent,
 *       so the average yearly change is past_annual_increment.
 * </ul>
 */
public final class InternationalRatings {
  private InternationalRatings() {}

  private static final Column QUANTIFIED =
      ProgressFormulas.kindIn(TargetKind.LEVEL, TargetKind.CUMULATIVE, TargetKind.ANNUAL_GROWTH);

  /** Needs the columns of {@link ProgressFormulas#met}, {@link ProgressFormulas#measures} and {@link ProgressFormulas#outlook}. */
  public static List<Column> columns(EvaluationSettings s) {
    Column evaluable = col("achievement_rate").isNotNull();
    Column sign = col("sign");
    Column met = col("target_met");
    Column n = col("elapsed_years");
    Column r = col("years_left");
    Column a = col("actual_value");
    Column b = col("base_value");
    Column t = col("target_value");
    Column pastCagr = col("past_cagr");
    Column pastInc = col("past_annual_increment");

    // Eurostat
    Column eurostatRatio =
        when(evaluable.unary_$bang(), lit(null))
            .when(ProgressFormulas.kind(TargetKind.CUMULATIVE), pastInc.divide(col("planned_annual_increment")))
            .when(QUANTIFIED.and(col("planned_cagr").notEqual(0)), pastCagr.divide(col("planned_cagr")));
    Column eurostatTrend = when(evaluable.and(QUANTIFIED.unary_$bang()), sign.multiply(pastCagr));
    Column eurostat =
        when(evaluable.unary_$bang(), lit(null))
            .when(QUANTIFIED,
                when(eurostatRatio.isNull(), lit("not_assessable"))
                    .when(eurostatRatio.geq(s.eurostatSignificant()), lit("significant_progress"))
                    .when(eurostatRatio.geq(s.eurostatModerate()), lit("moderate_progress"))
                    .when(eurostatRatio.geq(0), lit("insufficient_progress"))
                    .otherwise(lit("moving_away")))
            .otherwise(
                when(eurostatTrend.isNull(), lit("not_assessable"))
                    .when(eurostatTrend.gt(s.eurostatTrend()), lit("significant_progress"))
                    .when(eurostatTrend.geq(0), lit("moderate_progress"))
                    .when(eurostatTrend.geq(-s.eurostatTrend()), lit("moderate_movement_away"))
                    .otherwise(lit("significant_movement_away")));

    // UN Statistics Division
    Column projectedAtCagr = a.multiply(pow(pastCagr.plus(1), r));
    Column unsdScore =
        when(evaluable.unary_$bang().or(met.equalTo(true).and(ProgressFormulas.kindIn(TargetKind.LEVEL, TargetKind.CUMULATIVE))), lit(null))
            .when(ProgressFormulas.kind(TargetKind.LEVEL).and(t.notEqual(b)), projectedAtCagr.minus(b).divide(t.minus(b)))
            .when(ProgressFormulas.kind(TargetKind.CUMULATIVE), col("cumulative").plus(pastInc.multiply(r)).divide(t))
            .when(ProgressFormulas.kind(TargetKind.ANNUAL_GROWTH), col("achievement_rate").divide(col("elapsed_share")));
    Column unsd =
        when(evaluable.unary_$bang(), lit(null))
            .when(QUANTIFIED.unary_$bang(), lit("not_applicable"))
            .when(met.equalTo(true).and(ProgressFormulas.kindIn(TargetKind.LEVEL, TargetKind.CUMULATIVE)), lit("target_achieved"))
            .when(unsdScore.isNull(), lit("not_assessable"))
            .when(unsdScore.geq(s.unsdMet()), lit("met_or_almost_met"))
            .when(unsdScore.geq(s.unsdFair()), lit("fair_progress"))
            .when(unsdScore.geq(s.unsdLimited()), lit("limited_or_no_progress"))
            .otherwise(lit("deterioration"));

    // German weather symbols
    Column levelKind = ProgressFormulas.kind(TargetKind.LEVEL);
    Column cumulativeKind = ProgressFormulas.kind(TargetKind.CUMULATIVE);
    Column current = when(cumulativeKind, col("cumulative")).otherwise(a);
    Column direction = when(cumulativeKind, lit(1)).otherwise(sign);
    Column projectedLinear = current.plus(pastInc.multiply(r));
    Column remaining = direction.multiply(t.minus(current));
    Column miss = when(remaining.gt(0), direction.multiply(t.minus(projectedLinear)).divide(remaining));
    Column weatherApplies = evaluable.and(levelKind.or(cumulativeKind));
    Column weather =
        when(evaluable.unary_$bang(), lit(null))
            .when(weatherApplies.unary_$bang(), lit("not_applicable"))
            .when(met.equalTo(true), lit("sun"))
            .when(miss.isNull(), lit("not_assessable"))
            .when(miss.lt(s.weatherSun()), lit("sun"))
            .when(miss.leq(s.weatherLightCloud()), lit("light_cloud"))
            .when(direction.multiply(pastInc).gt(0), lit("cloud"))
            .otherwise(lit("thunderstorm"));

    return List.of(
        eurostatRatio.as("eurostat_growth_ratio"),
        eurostatTrend.as("eurostat_trend_cagr"),
        eurostat.as("eurostat_rating"),
        unsdScore.as("unsd_projected_share"),
        unsd.as("unsd_rating"),
        when(weatherApplies.and(met.equalTo(false)), miss).as("weather_miss_share"),
        weather.as("weather_rating"));
  }

  /**
   * SQL putting any rating column (Chinese or international) on a common scale, good / fair / poor,
   * to spot where the ratings disagree; null where a rating does not apply.
   */
  public static String bucketSql(String column) {
    return String.format(
        "CASE WHEN %1$s IN ('ahead','significant_progress','target_achieved','met_or_almost_met','sun') THEN 'good'"
            + " WHEN %1$s IN ('normal','moderate_progress','fair_progress','light_cloud') THEN 'fair'"
            + " WHEN %1$s IN ('slow','insufficient_progress','moving_away','moderate_movement_away','significant_movement_away',"
            + "'limited_or_no_progress','deterioration','cloud','thunderstorm') THEN 'poor' END",
        column);
  }
}
