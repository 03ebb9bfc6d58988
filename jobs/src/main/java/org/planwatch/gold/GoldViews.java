package org.planwatch.gold;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.planwatch.rules.InternationalRatings;
import org.planwatch.spark.Views;

/** The views over the gold tables, made again by a run whose --as-of or build differs (see {@link Views}). */
public final class GoldViews {
  private GoldViews() {}

  /** @param asOf the latest evaluation date the views show (see {@code PublishedViews.create}) */
  public static void create(SparkSession spark, LocalDate asOf) {
    String columns = String.join(", ", IndicatorProgress.SCHEMA.columnNames());
    Views.createOrReplace(spark, "gold.indicator_progress_latest",
        "(" + IndicatorProgress.SCHEMA.columnNames().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", "))
            + ") COMMENT 'Latest evaluation of every plan target up to the run date (evaluations dated " + asOf
            + " or earlier) | 截至运行日期各规划指标的最新评估'",
        "SELECT " + columns
            + " FROM (SELECT *, row_number() OVER (PARTITION BY plan_id, region_code, indicator_code ORDER BY as_of DESC) AS _latest"
            + " FROM gold.indicator_progress WHERE as_of <= DATE'" + asOf + "') WHERE _latest = 1");
    String chinese = InternationalRatings.bucketSql("progress_status");
    String disagree =
        String.join(" OR ", List.of("eurostat_rating", "unsd_rating", "weather_rating").stream()
            .map(r -> "(" + InternationalRatings.bucketSql(r) + ") <> (" + chinese + ")").toList());
    Views.createOrReplace(spark, "gold.rating_disagreement",
        "COMMENT 'Evaluations where an international rating (Eurostat, UNSD, German weather)"
            + " puts a target in another good/fair/poor class than the Chinese rating: information for the statistician, not an error"
            + " | 国际评级与国内进度评价不一致的指标（供统计人员参考，非错误）'",
        "SELECT plan_id, region_code, indicator_code, as_of,"
            + " indicator_name_zh, indicator_name_en, target_kind, achievement_rate, elapsed_share, progress_status, progress_status_zh,"
            + " eurostat_rating, unsd_rating, weather_rating, " + chinese + " AS chinese_class, "
            + InternationalRatings.bucketSql("eurostat_rating") + " AS eurostat_class, " + InternationalRatings.bucketSql("unsd_rating") + " AS unsd_class, "
            + InternationalRatings.bucketSql("weather_rating") + " AS weather_class FROM gold.indicator_progress WHERE evaluable AND (" + disagree + ")");
  }
}
