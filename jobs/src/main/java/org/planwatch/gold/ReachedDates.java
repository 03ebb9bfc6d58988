package org.planwatch.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.spark.HeldRows;

/**
 * The evaluation dates a change reaches, from {@code from} up to the run date {@code asOf}: the gold
 * rows a run computes again when only actuals changed (a new quarter of observations), or only the
 * evaluation date moved. It rests on how the dated gold tables are computed:
 *
 * <ul>
 *   <li>a row of gold.indicator_progress dated d is computed from the actuals dated up to d (the
 *       running sums and growth factors run over earlier dates only; the GDP growth a sync target is
 *       compared with and the province average are of the same date) and the plans, targets,
 *       indicators and regions, which did not change;
 *   <li>except a placeholder: a target without any usable actual up to the run date has one row at its
 *       base date, which may lie before the dates reached ({@link IndicatorProgress#buildFrom});
 *   <li>a row of gold.region_scorecard, gold.district_city_comparison or gold.plan_consistency dated d
 *       is computed from the evaluations dated up to d (each target's latest) and which dates have
 *       evaluations, so it is reached from the earliest date whose evaluations changed.
 * </ul>
 *
 * Actuals dated after the run date reach nothing: no row up to the run date reads them.
 */
public record ReachedDates(LocalDate from, LocalDate asOf) {

  /**
   * @param changedDates the dates (ISO strings, slices of the input table) whose rows changed since the previous run
   * @param before the previous run's evaluation date
   * @param asOf tonight's evaluation date
   * @return empty when nothing up to {@code asOf} is reached
   */
  public static Optional<ReachedDates> of(Set<String> changedDates, LocalDate before, LocalDate asOf) {
    Optional<LocalDate> from = changedDates.stream().map(LocalDate::parse).filter(d -> !d.isAfter(asOf)).min(LocalDate::compareTo);
    if (!before.equals(asOf)) {
      // Moved on: rows dated after the earlier date now see other actuals (or, moved back, none); moved back,
      // the placeholders see fewer: from the day after tonight's date, only they are computed.
      LocalDate moved = (before.isBefore(asOf) ? before : asOf).plusDays(1);
      from = Optional.of(from.filter(d -> d.isBefore(moved)).orElse(moved));
    }
    return from.map(d -> new ReachedDates(d, asOf));
  }

  /**
   * The evaluations the dated tables read for their rows dated {@code from} or later: those dated
   * {@code from} or later, and each target's latest before it, which a later date carries until the
   * target's next evaluation. A night that adds one quarter then holds two dates of evaluations, not the
   * whole history. The earlier rows of a target are not needed: its columns that do not change with the
   * date (name, kind, target values) are equal in each of its rows.
   *
   * <p>The latest dates are found from the keys and dates alone; the whole rows are then read only at
   * the few dates that are some target's latest (the quarter before, the end of each earlier plan, base
   * dates), where Delta skips the files of the other dates, and the join shuffles those rows, not the
   * whole history.
   *
   * <p>Only the evaluations of plans that can have a row dated {@code from} or later are read: a plan
   * whose period runs to {@code from} or later, to 31 December of its last year (a region's scorecard
   * has rows over its plan's period, {@link RegionScorecard}), and a plan a crosswalk pair names (a
   * district-city comparison carries either side's latest evaluation).
   * At full size the plans of earlier five-year periods are two thirds of the evaluations; their dates
   * (those before the earliest base date of the plans read) are skipped whole.
   *
   * @param evaluations gold.indicator_progress rows, each target at most once per date
   * @param silver the silver tables: plan, plan_target and indicator_crosswalk are read
   */
  public static Dataset<Row> evaluationsReadFrom(Dataset<Row> evaluations, LocalDate from, Map<String, Dataset<Row>> silver) {
    Dataset<Row> crosswalked =
        silver.get("indicator_crosswalk").select(col("city_plan_id").as("_xp")).union(silver.get("indicator_crosswalk").select(col("district_plan_id")));
    Dataset<Row> plansRead =
        silver.get("plan").where(col("period_end_year").geq(from.getYear())).select(col("plan_id").as("_rp"))
            .union(silver.get("plan").join(crosswalked, col("plan_id").equalTo(col("_xp")), "left_semi").select(col("plan_id")))
            .distinct().transform(HeldRows::of);
    // A target's evaluations are dated from its base date on (a placeholder sits at it).
    Row earliest = silver.get("plan_target").join(broadcast(plansRead), col("plan_id").equalTo(col("_rp")), "left_semi").agg(min(col("base_year"))).first();
    Column afterEarliestBase = earliest.isNullAt(0) ? lit(false) : col("as_of").geq(ActualSeries.yearEnd(lit(earliest.getInt(0))));
    Dataset<Row> read = evaluations.where(afterEarliestBase).join(broadcast(plansRead), col("plan_id").equalTo(col("_rp")), "left_semi");
    return latestAndFrom(read, from);
  }

  private static Dataset<Row> latestAndFrom(Dataset<Row> evaluations, LocalDate from) {
    Column before = col("as_of").lt(lit(java.sql.Date.valueOf(from)));
    Dataset<Row> latestBefore =
        evaluations.where(before).groupBy(col("plan_id").as("_lp"), col("region_code").as("_lr"), col("indicator_code").as("_li"))
            .agg(max(col("as_of")).as("_la")).transform(HeldRows::of);
    // One row per date, not per target.
    Object[] latestDates = latestBefore.select(col("_la")).distinct().collectAsList().stream().map(r -> r.get(0)).toArray();
    Column isLatest = col("plan_id").equalTo(col("_lp")).and(col("region_code").equalTo(col("_lr")))
        .and(col("indicator_code").equalTo(col("_li"))).and(col("as_of").equalTo(col("_la")));
    return evaluations.where(not(before))
        .unionByName(evaluations.where(col("as_of").isin(latestDates)).join(latestBefore, isLatest, "left_semi"));
  }

  /** The evaluations ({@code as_of}) dated {@code from} or later; all of them for null. */
  static Dataset<Row> rowsFrom(Dataset<Row> evaluations, LocalDate from) {
    return from == null ? evaluations : evaluations.where(col("as_of").geq(lit(java.sql.Date.valueOf(from))));
  }

  @Override
  public String toString() {
    return from.isAfter(asOf) ? "the placeholders up to " + asOf : "the dates from " + from + " up to " + asOf;
  }
}
