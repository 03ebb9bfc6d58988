package org.planwatch.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.dayofyear;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.planwatch.rules.TargetKind;
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;

/**
 * Which figure stands for "the actual" of a target at each date, by kind of target:
 *
 * <ul>
 *   <li>levels: an observation of the level for a full year, or for a {@code stock} indicator at any
 *       date (a half-year GDP is not an annual GDP). Where a year's level is missing but its growth
 *       rate and the previous year's level are given on the same statistical scope, the level is
 *       derived from them and says so (services trade 2022 on the original scope: 116.9 x 1.259).
 *   <li>statistical scope: a figure on the new scope counts only for a target revised to the new
 *       scope, a figure on the original scope only for one that was not (000, 表1 notes 5 and 6).
 *   <li>cumulative targets: a published cumulative figure from the plan start ([36.06] to 2023 H1), or
 *       the running sum of every year's amount since the plan start (no year missing).
 *   <li>growth: the growth factor since the base, F: the product of 1 + yearly growth for indicators
 *       that are growth rates (no year missing), or a published average growth from the plan start,
 *       else level / base.
 *   <li>status reports ("完成省下达目标") for assigned targets, and where a ceiling's levels are on
 *       another scope (unemployment 2022, 表1 note 6).
 *   <li>year-on-year growth of a sub-annual period, to compare an indicator with GDP in 2023 H1.
 * </ul>
 */
final class ActualSeries {
  private ActualSeries() {}

  static final List<String> KEYS = List.of("plan_id", "region_code", "indicator_code");

  /**
   * A number for each target, standing for its {@link #KEYS} within one evaluation: the candidates and
   * points are sorted, shuffled and windowed by target many times, and carry this one long in place of
   * three strings. Numbered by {@link #targets}, and valid only among the rows derived from one call of it.
   */
  static final String TARGET = "target_id";

  /**
   * The columns of silver.observation the evaluation reads (the candidates, the placeholders' account of
   * what a region reports, the province averages): not its provenance (source and input file, line, note).
   */
  static final List<String> OBSERVATION_COLUMNS =
      List.of("region_code", "indicator_code", "period_start", "period_end", "period_label", "value_kind", "value", "value_text",
          "statistical_scope", "status_met");

  /**
   * What gold.indicator_progress says of a target that no formula reads: names, unit, category, the
   * cells as printed and the kinds of revision. The evaluation carries the keys and {@link #targets}
   * only, and these are joined in once the actuals are found ({@link #labels}): copying strings into
   * rows, these among them, through every join and held row was a tenth of a full recompute's CPU.
   */
  static final List<String> LABELS =
      List.of("region_name_zh", "region_name_en", "indicator_name_zh", "indicator_name_en", "unit", "category_zh", "category_en",
          "attribute", "target_text", "planned_growth_text", "base_value_original", "target_value_original", "base_revision_kind",
          "target_revision_kind");

  /**
   * The {@link #targets} still open on {@code from}: their target year ends on it or later
   * ({@code plan_end >= from}), so actuals dated from it on can give them an evaluation. Cut before the
   * joins: at full size a third of the targets are joined and held, once.
   */
  static Dataset<Row> openTargets(Dataset<Row> planTarget, Dataset<Row> plan, Dataset<Row> indicator, LocalDate from) {
    return targets(planTarget.where(col("target_year").geq(from.getYear())), plan, indicator);
  }

  /**
   * The plan targets with what the evaluation reads of their plan, indicator and region, and a
   * {@link #TARGET} number. Held, as the numbers must not change between the reads of one evaluation.
   */
  static Dataset<Row> targets(Dataset<Row> planTarget, Dataset<Row> plan, Dataset<Row> indicator) {
    Dataset<Row> p = plan.select(col("plan_id"), col("period_start_year"), col("period_end_year"));
    Dataset<Row> i = indicator.select(col("plan_id"), col("indicator_code"), col("direction"), col("growth_model"), col("measure_type"));
    return planTarget
        .join(p, "plan_id")
        .join(i, Columns.seq(List.of("plan_id", "indicator_code")))
        .select(
            monotonically_increasing_id().as(TARGET), col("plan_id"), col("region_code"), col("indicator_code"), col("target_kind"), col("direction"), col("growth_model"),
            col("measure_type"), col("base_year"), col("base_value"), col("target_year"), col("target_value"),
            col("planned_growth_kind"), col("planned_growth_value"),
            make_date(col("period_start_year"), lit(1), lit(1)).as("plan_start"),
            col("period_end_year").minus(col("period_start_year")).plus(1).as("plan_years"),
            yearEnd(col("base_year")).as("base_end"),
            yearEnd(col("target_year")).as("plan_end"),
            coalesce(col("target_revision_kind").equalTo("statistical_scope_change"), lit(false)).as("scope_revised"))
        .transform(HeldRows::of);
  }

  /** The {@link #LABELS} of each of {@code targets} (from {@link #targets}), by {@link #TARGET}. */
  static Dataset<Row> labels(Dataset<Row> targets, Dataset<Row> planTarget, Dataset<Row> indicator, Dataset<Row> region) {
    Dataset<Row> i =
        indicator.select(
            col("plan_id"), col("indicator_code"), col("name_zh").as("indicator_name_zh"), col("name_en").as("indicator_name_en"),
            col("unit"), col("category_zh"), col("category_en"), col("attribute"));
    Dataset<Row> r = region.select(col("region_code"), col("name_zh").as("region_name_zh"), col("name_en").as("region_name_en"));
    List<String> columns = new ArrayList<>(List.of(TARGET));
    columns.addAll(LABELS);
    return targets.select(Columns.of(List.of(TARGET, "plan_id", "region_code", "indicator_code")))
        .join(planTarget, Columns.seq(KEYS))
        .join(i, Columns.seq(List.of("plan_id", "indicator_code")))
        .join(r, "region_code")
        .select(Columns.of(columns));
  }

  /**
   * Observations of each target's region and indicator within its plan period, on an acceptable scope:
   * by {@link #TARGET}, with the columns the points read. Partitioned by target: every figure of a target
   * is found in one partition, and the windows and the aggregate of the points read them there, with
   * no shuffle of their own (held, the partitioning is kept: {@link HeldRows}).
   */
  static Dataset<Row> candidates(Dataset<Row> targets, Dataset<Row> observation, LocalDate asOf) {
    Dataset<Row> t =
        targets.select(col(TARGET), col("region_code"), col("indicator_code"), col("target_kind"), col("plan_start"), col("base_end"),
            col("plan_end"), col("scope_revised"), col("measure_type"), col("base_value"));
    Column scope = col("statistical_scope");
    Column acceptable =
        scope.equalTo("as_published")
            .or(scope.equalTo("original").and(col("scope_revised").unary_$bang()))
            .or(scope.equalTo("new").and(col("scope_revised")));
    // Prefer the target's own scope when two are acceptable at the same date.
    Column scopeRank =
        when(col("scope_revised"), when(scope.equalTo("new"), 0).otherwise(1)).otherwise(when(scope.equalTo("as_published"), 0).otherwise(1));
    return observation
        .where(col("period_end").leq(lit(Date.valueOf(asOf))))
        .join(t, Columns.seq(List.of("region_code", "indicator_code")))
        .where(col("period_end").gt(col("base_end")).and(col("period_end").leq(col("plan_end"))).and(acceptable))
        .select(col(TARGET), col("period_start"), col("period_end"), col("period_label"), col("value_kind"), col("value"),
            col("value_text"), col("statistical_scope"), col("status_met"), col("target_kind"), col("plan_start"), col("measure_type"),
            col("base_value"), fullYear(col("period_start"), col("period_end")).as("full_year"), scopeRank.as("scope_rank"))
        .repartition(col(TARGET));
  }

  /**
   * The actuals the points dated {@code from} or later are found from: those dated {@code from} or later,
   * and every one dated 31 December before it. The points of a date read the candidates of that date; the
   * running sums, the compounded growth and a level derived from a growth rate read, besides, full-year
   * figures of earlier years, which end on 31 December. Each date kept keeps all its candidates, so the
   * best of them is the one chosen from every actual. A new quarter then reads one figure per year of the
   * plan period, not four.
   */
  static Dataset<Row> readFrom(Dataset<Row> observation, LocalDate from) {
    Column end = col("period_end");
    return observation.where(end.geq(lit(Date.valueOf(from))).or(isYearEnd(end)));
  }

  /** 31 December of {@code year}: the date a base year's figures, and a plan period, end on. */
  static Column yearEnd(Column year) {
    return make_date(year, lit(12), lit(31));
  }

  /** Whether {@code date} is 31 December: where a full year's figures, and the points a year compounds, end. */
  static Column isYearEnd(Column date) {
    return month(date).equalTo(12).and(dayofmonth(date).equalTo(31));
  }

  static Column fullYear(Column start, Column end) {
    return year(start).equalTo(year(end)).and(dayofyear(start).equalTo(1)).and(isYearEnd(end));
  }

  /**
   * One row per target and date with the figures of that date: level (and how it was obtained),
   * cumulative, factor, status_met, yoy_growth. Columns a date has no figure for are null.
   */
  static Dataset<Row> points(Dataset<Row> candidates) {
    // Held: the points, the running sums and the compounded growth each read the levels, a window over every candidate.
    Dataset<Row> levels = levels(candidates).transform(HeldRows::of);
    List<Dataset<Row>> parts = new ArrayList<>();
    // An indicator that is not a growth rate grows by level / base: on the level's own row, not a row of its own.
    Column factorOfLevel = when(col("measure_type").notEqual("growth_rate").and(col("base_value").gt(0)), col("level").divide(col("base_value")));
    parts.add(part(levels, col("level"), col("level_note"), null, null, factorOfLevel, null, null)
        .withColumn("factor_rank", when(col("factor").isNotNull(), 0)));
    parts.add(cumulative(candidates, levels));
    parts.add(factors(candidates, levels));
    Dataset<Row> status =
        best(candidates.where(col("value_kind").equalTo("status")).withColumn("derived", lit(0)));
    parts.add(part(status, null, null, null, null, null, col("status_met"), null));
    Dataset<Row> yoy =
        best(candidates.where(col("value_kind").equalTo("growth_rate").and(col("full_year").unary_$bang()).and(col("value").isNotNull()))
            .withColumn("derived", lit(0)));
    parts.add(part(yoy, null, null, null, null, null, null, col("value").divide(100)));
    // Partitioned by target first: a target's figures then meet in one sort, with no partial aggregation
    // (a date has one or two), and the points come out partitioned as the join with the targets needs.
    Dataset<Row> all = parts.stream().reduce((a, b) -> a.unionByName(b, true)).orElseThrow().repartition(col(TARGET));
    List<Column> aggregates = new ArrayList<>();
    for (String c : List.of("level", "level_note", "level_period_start", "status_met", "yoy_growth")) {
      aggregates.add(first(col(c), true).as(c));
    }
    // Where two figures stand for one date, the lower rank wins (a rank is null where its figure is).
    for (String c : List.of("cumulative", "cumulative_note")) {
      aggregates.add(min_by(col(c), col("cumulative_rank")).as(c));
    }
    aggregates.add(min_by(col("factor"), col("factor_rank")).as("factor"));
    return all.groupBy(col(TARGET), col("as_of"))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
  }

  /** Levels by date: observed where given, derived from the previous year and a growth rate where not. */
  static Dataset<Row> levels(Dataset<Row> candidates) {
    Column usable = col("full_year").or(col("measure_type").equalTo("stock"));
    Dataset<Row> direct =
        candidates.where(col("value_kind").equalTo("level").and(col("value").isNotNull()).and(usable))
            .withColumn("derived", lit(0))
            .withColumn("level_note", concat_ws(" ", col("period_label"), when(col("statistical_scope").notEqual("as_published"),
                concat(lit("("), col("statistical_scope"), lit(" scope)")))));
    Dataset<Row> previous =
        direct.where(col("full_year"))
            .select(col(TARGET).as("_t"),
                col("statistical_scope").as("_s"), year(col("period_end")).as("_y"), col("value").as("_prev"),
                col("period_label").as("_prev_label"));
    Dataset<Row> growth = candidates.where(col("value_kind").equalTo("growth_rate").and(col("full_year")).and(col("value").isNotNull()));
    Dataset<Row> derived =
        growth.join(previous,
                col(TARGET).equalTo(col("_t"))
                    .and(col("statistical_scope").equalTo(col("_s"))).and(year(col("period_end")).minus(1).equalTo(col("_y"))))
            .withColumn("value", col("_prev").multiply(col("value").divide(100).plus(1)))
            .withColumn("derived", lit(1))
            .withColumn("level_note", format_string("%s derived: %s level %s x (1 + %s%%) (%s scope)", col("period_label"),
                col("_prev_label"), col("_prev").cast("string"), col("value_text"), col("statistical_scope")))
            .drop("_t", "_s", "_y", "_prev", "_prev_label");
    // Partitioned by target again (the join above is by year): the running sums over the levels then need no shuffle.
    return best(direct.unionByName(derived).repartition(col(TARGET)))
        .withColumnRenamed("value", "level")
        .withColumn("level_period_start", col("period_start"));
  }

  /** Per target and date, the candidate with the lowest (derived, scope_rank). */
  private static Dataset<Row> best(Dataset<Row> rows) {
    WindowSpec w = Window.partitionBy(col(TARGET), col("period_end"))
        .orderBy(col("derived"), col("scope_rank"), col("period_start").desc());
    return rows.withColumn("_rank", row_number().over(w)).where(col("_rank").equalTo(1)).drop("_rank")
        .withColumn("as_of", col("period_end"));
  }

  /**
   * Published cumulative figures from the plan start (cumulative_rank 0), else running sums of complete
   * yearly amounts ({@code levels} of the cumulative targets, rank 1).
   */
  private static Dataset<Row> cumulative(Dataset<Row> candidates, Dataset<Row> levels) {
    Dataset<Row> published =
        best(candidates.where(col("value_kind").equalTo("cumulative").and(col("period_start").equalTo(col("plan_start")))
                .and(col("value").isNotNull()))
            .withColumn("derived", lit(0)));
    WindowSpec running = Window.partitionBy(col(TARGET)).orderBy(col("as_of"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> sums =
        levels.where(col("target_kind").equalTo(TargetKind.CUMULATIVE.code()).and(col("full_year")))
            .withColumn("_sum", sum(col("level")).over(running))
            .withColumn("_years", count(lit(1)).over(running))
            .where(col("_years").equalTo(year(col("as_of")).minus(year(col("plan_start"))).plus(1)))
            .withColumn("_note", format_string("sum of %d yearly amounts", col("_years")));
    Dataset<Row> fromPublished = part(published, null, null, col("value"), col("period_label"), null, null, null).withColumn("cumulative_rank", lit(0));
    Dataset<Row> fromSums = part(sums, null, null, col("_sum"), col("_note"), null, null, null).withColumn("cumulative_rank", lit(1));
    return fromPublished.unionByName(fromSums);
  }

  /**
   * Growth factors since the base of indicators that are growth rates: yearly growth rates compounded
   * (their {@code levels}, factor_rank 0), or a published average (rank 1). Other indicators' factor is
   * level / base ({@link #points}).
   */
  private static Dataset<Row> factors(Dataset<Row> candidates, Dataset<Row> levels) {
    WindowSpec running = Window.partitionBy(col(TARGET)).orderBy(col("as_of"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column growthIndicator = col("measure_type").equalTo("growth_rate");
    Dataset<Row> yearly =
        levels.where(growthIndicator.and(col("full_year")))
            .withColumn("_logsum", sum(log1p(col("level").divide(100))).over(running))
            .withColumn("_years", count(lit(1)).over(running))
            .where(col("_years").equalTo(year(col("as_of")).minus(year(col("plan_start"))).plus(1)));
    Column averageYears = months_between(date_add(col("period_end"), 1), col("plan_start"), false).divide(12);
    Dataset<Row> average =
        best(candidates.where(col("value_kind").equalTo("avg_annual_growth").and(col("period_start").equalTo(col("plan_start")))
                .and(growthIndicator).and(col("value").isNotNull()))
            .withColumn("derived", lit(1)));
    Dataset<Row> fromYearly = part(yearly, null, null, null, null, exp(col("_logsum")), null, null).withColumn("factor_rank", lit(0));
    Dataset<Row> fromAverage =
        part(average, null, null, null, null, pow(col("value").divide(100).plus(1), averageYears), null, null).withColumn("factor_rank", lit(1));
    return fromYearly.unionByName(fromAverage);
  }

  /** A slice of the points table: keys, as_of and the given figures, null elsewhere. */
  private static Dataset<Row> part(Dataset<Row> rows, Column level, Column levelNote, Column cumulative, Column cumulativeNote,
      Column factor, Column statusMet, Column yoy) {
    return rows.select(
        col(TARGET), col("as_of"),
        orNull(level, "double").as("level"),
        orNull(levelNote, "string").as("level_note"),
        (level == null ? lit(null).cast("date") : col("level_period_start")).as("level_period_start"),
        orNull(cumulative, "double").as("cumulative"),
        orNull(cumulativeNote, "string").as("cumulative_note"),
        orNull(factor, "double").as("factor"),
        orNull(statusMet, "boolean").as("status_met"),
        orNull(yoy, "double").as("yoy_growth"));
  }

  private static Column orNull(Column c, String type) {
    return c == null ? lit(null).cast(type) : c.cast(type);
  }

  /**
   * The rows of {@code rows} whose keys {@code other} does not have. The other side's keys are renamed
   * first: both sides often derive from the same checkpointed rows, and an anti join of a plan with itself
   * on shared column ids fails to resolve when adaptive execution is off.
   */
  static Dataset<Row> withoutKeysOf(Dataset<Row> rows, Dataset<Row> other, List<String> keys) {
    Column[] renamed = keys.stream().map(k -> col(k).as("_other_" + k)).toArray(Column[]::new);
    Column on = keys.stream().map(k -> rows.col(k).equalTo(col("_other_" + k))).reduce(Column::and).orElseThrow();
    return rows.join(other.select(renamed).distinct(), on, "left_anti");
  }

}
