package org.planwatch.rules;

import java.util.Map;
import java.util.function.Function;

/**
 * The thresholds of every rating, with their defaults and sources. Each can be changed with
 * {@code --conf planwatch.<name>=<value>} (for example {@code --conf planwatch.rating.band=0.03}).
 *
 * @param ratingBand Chinese progress rating: half-width of the "normal" band around the elapsed
 *     share of the plan period. Huzhou's mid-term evaluation (000, 表1 note 1, lines 627-629) rates at
 *     2 of 5 years: ahead >= 45%, normal 35%-45%, slow < 35%, i.e. 40% +/- 5 points.
 * @param syncTolerance how far, in growth points (0.01 = 1 point), an indicator may grow slower than
 *     GDP and still count as 与经济增长同步.
 * @param eurostatSignificant Eurostat SDG monitoring, quantified targets: ratio of observed to required
 *     CAGR at or above which progress is significant (95%).
 * @param eurostatModerate ... at or above which it is moderate (60%); below, insufficient; below 0,
 *     movement away. Source: Eurostat, "Sustainable development in the European Union, monitoring
 *     report", methodological annex.
 * @param eurostatTrend Eurostat, targets without a number: direction-adjusted CAGR above which progress
 *     is significant (1%); 0 to 1% moderate; -1% to 0 moderate movement away; below -1% significant.
 * @param unsdMet UN Statistics Division, SDG progress chart: projected share of the required change at
 *     or above which the target is met or almost met (0.95).
 * @param unsdFair ... fair progress (0.5).
 * @param unsdLimited ... limited or no progress down to this value (-0.1); below, deterioration.
 * @param weatherSun German Sustainable Development Strategy indicator report (Destatis), weather
 *     symbols: projected miss below this share of the remaining distance is sun (5%).
 * @param weatherLightCloud ... up to this share light cloud (20%); beyond, cloud if moving the right
 *     way, thunderstorm if not.
 */
public record EvaluationSettings(
    double ratingBand,
    double syncTolerance,
    double eurostatSignificant,
    double eurostatModerate,
    double eurostatTrend,
    double unsdMet,
    double unsdFair,
    double unsdLimited,
    double weatherSun,
    double weatherLightCloud) {

  public static final EvaluationSettings DEFAULTS =
      new EvaluationSettings(0.05, 0.0, 0.95, 0.60, 0.01, 0.95, 0.5, -0.1, 0.05, 0.20);

  /** The settings with any {@code planwatch.*} overrides from a configuration lookup. */
  public static EvaluationSettings from(Function<String, String> conf) {
    EvaluationSettings d = DEFAULTS;
    return new EvaluationSettings(
        get(conf, "planwatch.rating.band", d.ratingBand),
        get(conf, "planwatch.sync.tolerance", d.syncTolerance),
        get(conf, "planwatch.eurostat.significant", d.eurostatSignificant),
        get(conf, "planwatch.eurostat.moderate", d.eurostatModerate),
        get(conf, "planwatch.eurostat.trend", d.eurostatTrend),
        get(conf, "planwatch.unsd.met", d.unsdMet),
        get(conf, "planwatch.unsd.fair", d.unsdFair),
        get(conf, "planwatch.unsd.limited", d.unsdLimited),
        get(conf, "planwatch.weather.sun", d.weatherSun),
        get(conf, "planwatch.weather.light_cloud", d.weatherLightCloud));
  }

  public static EvaluationSettings from(Map<String, String> conf) {
    return from(conf::get);
  }

  private static double get(Function<String, String> conf, String key, double fallback) {
    String v = conf.apply(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
    }
  }
}
