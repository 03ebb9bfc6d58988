package org.planwatch.rules;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * 进度评价: the Chinese progress rating against elapsed time. Huzhou's mid-term evaluation (000, 表1
 * note 1, lines 627-629), at 2 of 5 years: ahead (进度超前) when the achievement rate is at least 45%,
 * normal (进度正常) from 35% to under 45%, slow (进度偏慢) under 35%. Generalised to any date as the
 * elapsed share of the plan period plus or minus {@link EvaluationSettings#ratingBand()} (5 points).
 * The "ahead" threshold never exceeds 100%: at the end of the period a met target is ahead, not normal.
 */
public final class ProgressRating {
  private ProgressRating() {}

  public enum Status implements Vocabulary.Coded {
    AHEAD("ahead", "进度超前", "ahead of schedule"),
    NORMAL("normal", "进度正常", "on schedule"),
    SLOW("slow", "进度偏慢", "behind schedule");

    private final String code;
    private final String zh;
    private final String en;

    Status(String code, String zh, String en) {
      this.code = code;
      this.zh = zh;
      this.en = en;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }

    public String en() {
      return en;
    }
  }

  /** progress_status, progress_status_zh, progress_status_en. Needs achievement_rate and elapsed_share. */
  public static List<Column> columns(EvaluationSettings settings) {
    Column achievement = col("achievement_rate");
    Column elapsed = col("elapsed_share");
    Column status =
        when(achievement.isNull(), lit(null))
            .when(ProgressFormulas.atLeast(achievement, least(lit(1.0), elapsed.plus(settings.ratingBand()))), lit(Status.AHEAD.code()))
            .when(ProgressFormulas.atLeast(achievement, elapsed.minus(settings.ratingBand())), lit(Status.NORMAL.code()))
            .otherwise(lit(Status.SLOW.code()));
    Column zh = null;
    Column en = null;
    for (Status s : Status.values()) {
      Column is = status.equalTo(s.code());
      zh = zh == null ? when(is, lit(s.zh())) : zh.when(is, lit(s.zh()));
      en = en == null ? when(is, lit(s.en())) : en.when(is, lit(s.en()));
    }
    return List.of(status.as("progress_status"), zh.as("progress_status_zh"), en.as("progress_status_en"));
  }
}
