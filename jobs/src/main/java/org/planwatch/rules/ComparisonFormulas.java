package org.planwatch.rules;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * How a district's plan compares with its city's: ambition, level targets, shares, the growth the
 * rest of the city must deliver, and the district's progress against the city's. Companion of
 * {@link ProgressFormulas}, whose planned CAGR and increments (carried by gold.indicator_progress) it
 * compares.
 *
 * <p>Notation: for one side (district d or city c) b base value, t target value, g planned annual
 * growth (fraction), N plan years, s = -1 for lower-is-better indicators, +1 otherwise (the
 * district's direction).
 *
 * <ul>
 *   <li><b>planned end value</b> E: t for level, ceiling, floor, maintain and cumulative targets (the
 *       planned total); b (1 + g)^N for an annual growth target (Wuxing goods trade 120.8 x 1.08^5 =
 *       177.49); null otherwise.
 *   <li><b>planned pace</b> p, by the indicator's growth model: compound indicators the planned CAGR
 *       ((t / b)^(1/N) - 1, or g); for a cumulative amount, the planned average yearly amount over
 *       the base year's, (t / N) / b - 1 (foreign capital: Huzhou 60 / 5 / 12.14 - 1 = -1.15%, Wuxing
 *       10 / 5 / 1.8 - 1 = 11.1%); linear indicators the planned yearly increment (t - b) / N in the
 *       unit (points a year for percentages).
 *   <li><b>ambition</b>: planned_growth_difference = p_d - p_c when both paces are measured alike;
 *       ambition_difference = s (p_d - p_c), positive when the district plans to move faster in
 *       the good direction (GDP: Wuxing (1000 / 752.8)^(1/5) - 1 = 5.84% against Huzhou
 *       (5000 / 3201.4)^(1/5) - 1 = 9.33%: -3.49 points, less ambitious).
 *   <li><b>target relative to the city</b> for rates and per-capita indicators (not additive):
 *       target_ratio = t_d / t_c, target_difference = t_d - t_c (beds per 1000: 5.43 / 7 = 0.776);
 *       the district's target is below the city's when s (t_d - t_c) &lt; 0.
 *   <li><b>shares</b> for additive indicators: b_d / b_c, E_d / E_c and, when both actuals cover the
 *       same period, a_d / a_c (GDP: 752.8 / 3201.4 = 23.5% at the base, 1000 / 5000 = 20% at target).
 *   <li><b>rest of the city</b>: base b_c - b_d, planned end E_c - E_d, and the pace it must deliver
 *       for the city target to hold given the district's, by the city's growth model and target
 *       kind as above (GDP: (4000 / 2448.6)^(1/5) - 1 = 10.31% a year).
 *   <li><b>progress lead</b>: (A_d - e_d) - (A_c - e_c), A the achievement rate and e the elapsed
 *       share at each side's latest evaluation: achievement beyond elapsed time, so that sides
 *       evaluated at different dates still compare. The district is behind the city when it is
 *       negative.
 * </ul>
 *
 * <p>Input columns: {@code district_*} and {@code city_*} for base_value, target_value, target_kind,
 * growth_model, direction, plan_years, planned_cagr, planned_annual_increment, planned_growth_rate,
 * is_additive, actual_value, actual_as_of, achievement_rate, elapsed_share; and comparability.
 */
public final class ComparisonFormulas {
  private ComparisonFormulas() {}

  /** Comparabilities under which planned growth and progress compare. */
  public static final List<String> GROWTH_COMPARABLE =
      List.of(Vocabulary.Comparability.SAME_DEFINITION.code(), Vocabulary.Comparability.SAME_CONCEPT_OTHER_UNIT.code());

  public static final String PACE_CAGR = "cagr";
  public static final String PACE_CUMULATIVE = "average_year_vs_base";
  public static final String PACE_INCREMENT = "increment_per_year";

  private static Column side(String side, String column) {
    return col(side + "_" + column);
  }

  private static Column kindIs(String side, TargetKind... kinds) {
    return side(side, "target_kind").isin(java.util.Arrays.stream(kinds).map(TargetKind::code).toArray());
  }

  /** Target kinds whose target_value is a level to reach, stay under or above. */
  private static final TargetKind[] LEVEL_KINDS = {TargetKind.LEVEL, TargetKind.CEILING, TargetKind.FLOOR, TargetKind.MAINTAIN};

  /** E: the value the plan leads to in the target year (or the planned total of a cumulative target). */
  public static Column plannedEndValue(String side) {
    Column b = side(side, "base_value");
    Column g = side(side, "planned_growth_rate");
    return when(kindIs(side, LEVEL_KINDS).or(kindIs(side, TargetKind.CUMULATIVE)), side(side, "target_value"))
        .when(kindIs(side, TargetKind.ANNUAL_GROWTH).and(b.isNotNull()).and(g.isNotNull()),
            b.multiply(pow(g.plus(1), side(side, "plan_years"))));
  }

  /** (total / N) / base - 1: the planned average yearly amount of a cumulative target against the base year's. */
  public static Column cumulativePace(Column total, Column base, Column years) {
    return when(base.gt(0).and(years.gt(0)), total.divide(years).divide(base).minus(1));
  }

  /** How a side's planned pace is measured: cagr, average_year_vs_base or increment_per_year. */
  public static Column paceMeasure(String side) {
    Column compound = side(side, "growth_model").equalTo("compound");
    return when(compound.and(kindIs(side, TargetKind.CUMULATIVE)), lit(PACE_CUMULATIVE))
        .when(compound, lit(PACE_CAGR))
        .otherwise(lit(PACE_INCREMENT));
  }

  /** p: the planned pace in its measure (see the class comment). */
  public static Column plannedPace(String side) {
    Column compound = side(side, "growth_model").equalTo("compound");
    return when(compound.and(kindIs(side, TargetKind.CUMULATIVE)),
            cumulativePace(side(side, "target_value"), side(side, "base_value"), side(side, "plan_years")))
        .when(compound, side(side, "planned_cagr"))
        .otherwise(side(side, "planned_annual_increment"));
  }

  /** The pace from base to end value in a given measure: the formula of {@link #plannedPace} on any two figures. */
  public static Column pace(Column measure, Column base, Column end, Column years) {
    return when(measure.equalTo(PACE_CAGR), ProgressFormulas.compoundGrowth(base, end, years))
        .when(measure.equalTo(PACE_CUMULATIVE), cumulativePace(end, base, years))
        .when(measure.equalTo(PACE_INCREMENT).and(years.gt(0)), end.minus(base).divide(years));
  }

  /** part / whole, null unless the whole is positive. */
  public static Column share(Column part, Column whole) {
    return when(whole.gt(0).and(part.isNotNull()), part.divide(whole));
  }

  /** A pace as text: 5.84% a year, or +0.24 a year in the unit. */
  public static Column paceText(Column measure, Column pace) {
    return when(measure.equalTo(PACE_INCREMENT), format_string("%+.3f a year", pace))
        .when(measure.equalTo(PACE_CUMULATIVE), format_string("%.2f%% over the base year's amount", pace.multiply(100)))
        .otherwise(format_string("%.2f%% a year", pace.multiply(100)));
  }

  /**
   * The comparison columns, in order: planned end values, ambition, target relative to the city,
   * shares, rest of the city, progress lead, flags and their reasons.
   */
  public static List<Column> columns() {
    Column comparable = col("comparability").isin(GROWTH_COMPARABLE.toArray());
    Column sameDefinition = col("comparability").equalTo(Vocabulary.Comparability.SAME_DEFINITION.code());
    Column s = when(col("district_direction").equalTo("lower_better"), -1).otherwise(1);

    Column dMeasure = paceMeasure("district");
    Column cMeasure = paceMeasure("city");
    Column dPace = plannedPace("district");
    Column cPace = plannedPace("city");
    Column alike = comparable.and(dMeasure.equalTo(cMeasure));
    Column growthDifference = when(alike, dPace.minus(cPace));
    Column ambition = growthDifference.multiply(s);
    Column ambitionNote =
        when(comparable.unary_$bang(), lit(null))
            .when(dMeasure.notEqual(cMeasure), format_string("planned growth measured differently (district %s, city %s)", dMeasure, cMeasure))
            .when(dPace.isNull().or(cPace.isNull()),
                format_string("no planned growth figure to compare (district %s target, city %s target)",
                    col("district_target_kind"), col("city_target_kind")));

    Column levelTargets = sameDefinition.and(kindIs("district", LEVEL_KINDS)).and(kindIs("city", LEVEL_KINDS))
        .and(col("district_is_additive").equalTo(false)).and(col("city_is_additive").equalTo(false));
    Column dT = col("district_target_value");
    Column cT = col("city_target_value");
    Column targetDifference = when(levelTargets, dT.minus(cT));
    Column targetRatio = when(levelTargets, share(dT, cT));

    Column additive = sameDefinition.and(col("district_is_additive")).and(col("city_is_additive"));
    Column dEnd = plannedEndValue("district");
    Column cEnd = plannedEndValue("city");
    Column samePeriod = col("district_actual_as_of").equalTo(col("city_actual_as_of"));
    Column restBase = when(additive, col("city_base_value").minus(col("district_base_value")));
    Column restEnd = when(additive, cEnd.minus(dEnd));
    Column restPace = pace(cMeasure, restBase, restEnd, col("city_plan_years"));

    Column dLead = col("district_achievement_rate").minus(col("district_elapsed_share"));
    Column cLead = col("city_achievement_rate").minus(col("city_elapsed_share"));
    Column progressLead = when(comparable, dLead.minus(cLead));

    // False, not null, where a flag cannot be raised: the reasons and notes say what is missing.
    Column lessAmbitious = coalesce(ProgressFormulas.exact(ambition).lt(0), lit(false));
    Column targetBelow = coalesce(ProgressFormulas.exact(targetDifference.multiply(s)).lt(0), lit(false));
    Column behind = coalesce(ProgressFormulas.exact(progressLead).lt(0), lit(false));
    Column notComparable = comparable.unary_$bang();

    Column lessAmbitiousReason =
        when(lessAmbitious, concat(lit("less ambitious than the city: plans "), paceText(dMeasure, dPace), lit(" against the city's "),
            paceText(cMeasure, cPace)));
    Column targetBelowReason =
        when(targetBelow, format_string(
            "target %s the city's: %s against %s %s",
            when(s.equalTo(-1), lit("less strict than")).otherwise(lit("below")), dT.cast("string"), cT.cast("string"), col("district_unit")));
    Column behindReason =
        when(behind, format_string("behind the city on progress: achievement %.1f%% at %s with %.0f%% of the period elapsed, against the city's %.1f%% at %s with %.0f%%",
            col("district_achievement_rate").multiply(100), col("district_actual_as_of").cast("string"), col("district_elapsed_share").multiply(100),
            col("city_achievement_rate").multiply(100), col("city_actual_as_of").cast("string"), col("city_elapsed_share").multiply(100)));
    Column notComparableReason = when(notComparable, concat(col("comparability"), lit(": "), col("crosswalk_note")));

    return List.of(
        dEnd.as("district_planned_end_value"),
        cEnd.as("city_planned_end_value"),
        when(alike, dMeasure).as("ambition_measure"),
        when(comparable, dPace).as("district_planned_pace"),
        when(comparable, cPace).as("city_planned_pace"),
        growthDifference.as("planned_growth_difference"),
        ambition.as("ambition_difference"),
        ambitionNote.as("ambition_note"),
        targetRatio.as("target_ratio"),
        targetDifference.as("target_difference"),
        when(additive, share(col("district_base_value"), col("city_base_value"))).as("share_at_base"),
        when(additive, share(dEnd, cEnd)).as("share_at_target"),
        when(additive.and(samePeriod), share(col("district_actual_value"), col("city_actual_value"))).as("share_at_latest"),
        restBase.as("rest_of_city_base"),
        restEnd.as("rest_of_city_planned_end"),
        when(additive, restPace).as("rest_of_city_required_pace"),
        progressLead.as("progress_lead"),
        lessAmbitious.as("flag_less_ambitious"),
        targetBelow.as("flag_target_below_city"),
        behind.as("flag_behind_city"),
        notComparable.as("flag_not_comparable"),
        concat_ws(", ", when(lessAmbitious, lit("less_ambitious")), when(targetBelow, lit("target_below_city")),
            when(behind, lit("behind_city")), when(notComparable, lit("not_comparable"))).as("flags"),
        concat_ws("; ", lessAmbitiousReason, targetBelowReason, behindReason, notComparableReason).as("flag_reasons"));
  }
}
