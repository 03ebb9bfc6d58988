package org.planwatch.gold;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.rules.InternationalRatings;
import org.planwatch.rules.ProgressFormulas;
import org.planwatch.rules.ProgressRating;
import org.planwatch.rules.TargetKind;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;

/**
 * gold.indicator_progress: one row per plan, region, indicator and date with an actual, composed
 * from {@link ActualSeries}, {@link ProgressFormulas}, {@link ProgressRating} and
 * {@link InternationalRatings}. A target without any usable actual gets one row at its base date
 * that says why it cannot be evaluated.
 */
public final class IndicatorProgress {
  /** The indicator a sync_with_economy target is compared with (与经济增长同步: GDP of the same plan). */
  public static final String ECONOMY_INDICATOR = "gdp";

  public static final TableSchema SCHEMA = Schemas.of("gold.indicator_progress");

  private IndicatorProgress() {}

  /** @param silver valid silver tables by unqualified name */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, LocalDate asOf, EvaluationSettings settings) {
    Dataset<Row> targets = ActualSeries.targets(silver.get("plan_target"), silver.get("plan"), silver.get("indicator"));
    Dataset<Row> observation = silver.get("observation");
    return build(silver, observation, observation, asOf, settings, targets, null, null);
  }

  /**
   * The rows of the slices a change of actuals reaches ({@link ReachedDates}): every date from
   * {@code from} up to the run date, and the whole slices of {@code baseDates} (earlier base dates, where
   * a placeholder may come or go).
   */
  public record Recomputed(Dataset<Row> rows, LocalDate from, Set<String> baseDates) {}

  /**
   * The rows a change of actuals dated {@code reached.from()} or later changes, for a table that holds
   * the rows of the same silver tables before the change ({@code stored}): every row from that date up
   * to the run date, and the whole slices of the base dates where a placeholder may come or go. Only
   * targets open at that date are evaluated, and the formulas run only on rows of the dates reached, found
   * from the actuals of those dates and the year ends before them ({@link ActualSeries#readFrom}).
   *
   * <p>A placeholder stands for a target without any evaluation, and evaluations dated before the change
   * stay as stored. So only an open target without a stored evaluation before {@code from} can gain, lose
   * or change its placeholder: the base dates rewritten are theirs, none when every open target has one.
   */
  public static Recomputed buildFrom(
      Map<String, Dataset<Row>> silver, EvaluationSettings settings, ReachedDates reached, Dataset<Row> stored) {
    LocalDate from = reached.from();
    Dataset<Row> open = ActualSeries.openTargets(silver.get("plan_target"), silver.get("plan"), silver.get("indicator"), from);
    Column earlier = col("as_of").lt(lit(Date.valueOf(from)));
    Column isPlaceholder = col("actual_period_end").isNull();
    // An open target's evaluations and actuals are dated after its base: older ones are not read (Delta skips their files).
    Row earliestBase = open.agg(min(col("base_end"))).first();
    Column afterEarliestBase = earliestBase.isNullAt(0) ? lit(true) : col("as_of").gt(lit(earliestBase.getDate(0)));
    // Evaluations before the dates reached are as stored: a target with one there needs no placeholder, tonight or later.
    Dataset<Row> evaluatedBefore =
        stored.where(afterEarliestBase.and(earlier).and(isPlaceholder.unary_$bang())).select(Columns.of(ActualSeries.KEYS));
    Dataset<Row> unevaluatedBefore = ActualSeries.withoutKeysOf(open, evaluatedBefore, ActualSeries.KEYS).transform(HeldRows::of);
    // A placeholder sits at its target's base date: those of such targets before the dates reached are rewritten whole.
    Set<String> baseDates = new TreeSet<>();
    for (Row r : unevaluatedBefore.where(col("base_end").lt(lit(Date.valueOf(from)))).select(col("base_end").cast("string")).distinct()
        .collectAsList()) {
      baseDates.add(r.getString(0));
    }
    Dataset<Row> inPlanPeriods = actualsOfOpenPlans(silver.get("observation"), earliestBase);
    Dataset<Row> rows = build(silver, ActualSeries.readFrom(inPlanPeriods, from).transform(HeldRows::of), inPlanPeriods, reached.asOf(), settings,
        open, from, unevaluatedBefore);
    Column openTarget = col("_open").isNotNull();
    Dataset<Row> openKeys = open.select(col("plan_id").as("_op"), col("region_code").as("_or"), col("indicator_code").as("_oi"), lit(true).as("_open"));
    Dataset<Row> storedBaseSlices =
        stored.where(col("as_of").isin(baseDates.stream().map(Date::valueOf).toArray()))
            .join(openKeys, col("plan_id").equalTo(col("_op")).and(col("region_code").equalTo(col("_or"))).and(col("indicator_code").equalTo(col("_oi"))), "left")
            .where(isPlaceholder.and(openTarget).unary_$bang())
            .select(Columns.of(SCHEMA.columnNames()));
    return new Recomputed(rows.unionByName(storedBaseSlices), from, baseDates);
  }

  /**
   * silver.observation cut to the actuals dated after the earliest base date of the open targets: a
   * target reads only actuals of its plan period (after its base date), and its province's of the same
   * dates. A new quarter then reads the open plans' years, not every year since the first plan (Delta
   * skips the files of earlier ones). Not held: the dates reached are read from it once, and held
   * ({@link ActualSeries#readFrom}); only placeholders read it again, for a handful of targets. Held, its
   * 6 million rows at full size were written and read back for that one read (StageLoop goldfrom).
   */
  private static Dataset<Row> actualsOfOpenPlans(Dataset<Row> observation, Row earliestBase) {
    return earliestBase.isNullAt(0) ? observation
        : observation.where(col("period_end").gt(lit(earliestBase.getDate(0)))).select(Columns.of(ActualSeries.OBSERVATION_COLUMNS));
  }

  /**
   * @param actuals the actuals the evaluated rows read: every one, or with {@code from} those
   *     {@link ActualSeries#readFrom} gives
   * @param observation every actual, for the placeholders' account of what a region reports
   * @param from null for every date; else only rows dated from it on are evaluated (and placeholders at any date)
   * @param unevaluatedBefore with {@code from}: the targets without an evaluation before it, the only ones
   *     that may need a placeholder
   */
  private static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> actuals, Dataset<Row> observation, LocalDate asOf,
      EvaluationSettings settings, Dataset<Row> targets, LocalDate from, Dataset<Row> unevaluatedBefore) {
    // Held: each kind of point reads the candidates; without, each joined the actuals with the targets again.
    Dataset<Row> candidates = ActualSeries.candidates(targets, actuals, asOf).transform(HeldRows::of);
    Dataset<Row> points = ActualSeries.points(candidates);
    if (from != null) {
      // The running sums and factors above need every earlier date; what follows is per row.
      points = points.where(col("as_of").geq(lit(Date.valueOf(from))));
    }

    Dataset<Row> withTime = withColumns(targets.join(points, ActualSeries.TARGET), ProgressFormulas.time());
    Column fullYearDate = ActualSeries.isYearEnd(col("as_of"));
    // Growth of the indicator over the same span as GDP's: since the base at a year end, year on year for a part year.
    Column growth =
        when(fullYearDate, when(col("factor").gt(0).and(col("elapsed_years").gt(0)), pow(col("factor"), lit(1.0).divide(col("elapsed_years"))).minus(1)))
            .otherwise(col("yoy_growth"));
    withTime = withTime.withColumn("growth_x", growth).transform(HeldRows::of);
    Dataset<Row> economy =
        withTime.where(col("indicator_code").equalTo(ECONOMY_INDICATOR))
            .select(col("plan_id").as("_ep"), col("as_of").as("_ea"), col("growth_x").as("growth_ref"));

    Column level = col("level").isNotNull();
    Column relevant =
        when(kindIs(TargetKind.LEVEL).or(kindIs(TargetKind.ABOVE_PROVINCE_AVERAGE)), level)
            .when(kindIs(TargetKind.CEILING).or(kindIs(TargetKind.FLOOR)).or(kindIs(TargetKind.MAINTAIN)), level.or(col("status_met").isNotNull()))
            .when(kindIs(TargetKind.CUMULATIVE), col("cumulative").isNotNull())
            .when(kindIs(TargetKind.ANNUAL_GROWTH), col("factor").isNotNull())
            .when(kindIs(TargetKind.SYNC_WITH_ECONOMY), col("growth_x").isNotNull())
            .when(kindIs(TargetKind.ASSIGNED), col("status_met").isNotNull())
            .otherwise(lit(false));
    Dataset<Row> evaluated =
        withTime.where(relevant)
            .join(broadcast(economy), col("plan_id").equalTo(col("_ep")).and(col("as_of").equalTo(col("_ea"))), "left")
            .drop("_ep", "_ea");
    evaluated = withProvince(evaluated, silver.get("region"), actuals);

    Dataset<Row> placeholders = placeholders(from == null ? targets : unevaluatedBefore, evaluated, observation, asOf);
    // The texts only reported, joined in once: the joins and held rows above carry the figures alone.
    // Broadcast, the evaluated rows are not shuffled for the texts, and the plan does not depend on which
    // side's shuffle ends first (adaptive execution chose a broadcast or not, and so one file or two).
    Dataset<Row> labels =
        broadcastIfFew(ActualSeries.labels(targets, silver.get("plan_target"), silver.get("indicator"), silver.get("region")), targets);
    Dataset<Row> rows =
        evaluated.withColumn("placeholder_reason", lit(null).cast("string")).unionByName(placeholders)
            .join(labels, ActualSeries.TARGET, "left");

    rows = withColumns(rows, ProgressFormulas.met(settings));
    rows = withColumns(rows, ProgressFormulas.measures(settings));
    rows = withColumns(rows, ProgressFormulas.outlook());
    rows = withColumns(rows, ProgressRating.columns(settings));
    rows = withColumns(rows, InternationalRatings.columns(settings));
    return GoldColumns.select(rows
        .withColumn("not_evaluable_reason", coalesce(col("placeholder_reason"), col("not_evaluable_reason")))
        .withColumn("evaluable", col("achievement_rate").isNotNull())
        .withColumn("target_kind_zh", targetKindZh())
        .withColumn("actual_period_start",
            when(kindIs(TargetKind.CUMULATIVE).or(kindIs(TargetKind.ANNUAL_GROWTH)), col("plan_start")).otherwise(col("level_period_start")))
        .withColumn("actual_period_end", when(col("placeholder_reason").isNull(), col("as_of")))
        .withColumn("actual_note",
            when(kindIs(TargetKind.CUMULATIVE), col("cumulative_note"))
                .when(kindIs(TargetKind.ANNUAL_GROWTH),
                    format_string("growth compounded over %s years since the base", col("elapsed_years").cast("string")))
                .otherwise(col("level_note"))), SCHEMA);
  }

  private static Column kindIs(TargetKind kind) {
    return col("target_kind").equalTo(kind.code());
  }

  private static Column targetKindZh() {
    Column out = null;
    for (TargetKind k : TargetKind.values()) {
      out = out == null ? when(kindIs(k), lit(k.zh())) : out.when(kindIs(k), lit(k.zh()));
    }
    return out;
  }

  private static Dataset<Row> withColumns(Dataset<Row> rows, List<Column> columns) {
    List<Column> all = new ArrayList<>();
    all.add(col("*"));
    all.addAll(columns);
    return rows.select(all.toArray(Column[]::new));
  }

  /** The province average of the same indicator and date, from the region's province ancestor. */
  private static Dataset<Row> withProvince(Dataset<Row> rows, Dataset<Row> region, Dataset<Row> observation) {
    Dataset<Row> parent = region.select(col("region_code").as("_pc"), col("parent_code").as("_pp"), col("level").as("_pl"));
    Dataset<Row> grand = region.select(col("region_code").as("_gc"), col("level").as("_gl"));
    Dataset<Row> province =
        region.select(col("region_code").as("_rc"), col("parent_code").as("_rp"))
            .join(parent, col("_rp").equalTo(col("_pc")), "left")
            .join(grand, col("_pp").equalTo(col("_gc")), "left")
            .select(col("_rc"), when(col("_pl").equalTo("province"), col("_pc")).when(col("_gl").equalTo("province"), col("_gc")).as("_province"));
    // The provinces' full-year levels: a few per indicator and year, however many counties. Broadcast, so the
    // evaluated rows are not shuffled for them.
    Dataset<Row> provinces = region.where(col("level").equalTo("province")).select(col("region_code").as("_oc"));
    Dataset<Row> averages =
        observation.where(col("value_kind").equalTo("level").and(col("value").isNotNull())
                .and(ActualSeries.fullYear(col("period_start"), col("period_end"))))
            .join(broadcast(provinces), col("region_code").equalTo(col("_oc")))
            .select(col("_oc"), col("indicator_code").as("_oi"), col("period_end").as("_oe"), col("value").as("province_value"));
    return rows
        .join(broadcast(province), rows.col("region_code").equalTo(col("_rc")), "left")
        .join(broadcast(averages), col("_province").equalTo(col("_oc")).and(col("indicator_code").equalTo(col("_oi"))).and(col("as_of").equalTo(col("_oe"))), "left")
        .drop("_rc", "_province", "_oc", "_oi", "_oe");
  }

  /**
   * Up to this many targets, what is joined per target (their texts, the targets without an actual) is
   * sent whole to every task (a few MB): Spark cannot tell from held rows that they are few. The texts of
   * 90,000 targets (--scale 0.1) broadcast made gold slower than their shuffle (StageLoop, 2-3 s of 17-31).
   */
  private static final long BROADCAST_TARGETS = 10_000;

  /** {@code rows}, to be broadcast when the held {@code targets} they are per are at most {@link #BROADCAST_TARGETS}. */
  private static Dataset<Row> broadcastIfFew(Dataset<Row> rows, Dataset<Row> targets) {
    return targets.count() <= BROADCAST_TARGETS ? broadcast(rows) : rows;
  }

  /**
   * One row at the base date for each of {@code targets} without any usable actual ({@code evaluated} has
   * none of it), saying why: no figure yet, no figure published (暂无数据), or figures that do not fit the
   * kind of target.
   */
  private static Dataset<Row> placeholders(Dataset<Row> targets, Dataset<Row> evaluated, Dataset<Row> observation, LocalDate asOf) {
    // Held: few targets, counted and read twice; the summary below is then made for them alone, not for every target's actuals.
    Dataset<Row> missing =
        ActualSeries.withoutKeysOf(targets, evaluated, List.of(ActualSeries.TARGET)).transform(HeldRows::of);
    // Without the broadcast every actual was shuffled to meet a handful of targets (none at all where every
    // target has an actual, as in a complete dataset).
    Dataset<Row> missingKeys = broadcastIfFew(
        missing.select(col(ActualSeries.TARGET), col("region_code"), col("indicator_code"), col("base_end"), col("plan_end")), missing);
    // What the region does report for the indicator in the plan period, whatever its scope.
    Dataset<Row> inPeriod =
        observation.where(col("period_end").leq(lit(Date.valueOf(asOf))))
            .join(missingKeys, Columns.seq(List.of("region_code", "indicator_code")))
            .where(col("period_end").gt(col("base_end")).and(col("period_end").leq(col("plan_end"))));
    Column label = concat(col("value_kind"), lit(" "), col("period_label"),
        when(col("statistical_scope").notEqual("as_published"), concat(lit(" ("), col("statistical_scope"), lit(" scope)"))).otherwise(lit("")));
    Dataset<Row> summary =
        inPeriod.groupBy(col(ActualSeries.TARGET))
            .agg(
                count(lit(1)).as("_n"),
                count(when(col("value").isNotNull().or(col("value_kind").equalTo("status")), 1)).as("_with_value"),
                array_join(sort_array(collect_set(when(col("value").isNull().and(col("value_kind").notEqual("status")), col("period_label")))), ", ").as("_no_data"),
                array_join(sort_array(collect_set(when(col("value").isNotNull().or(col("value_kind").equalTo("status")), label))), "; ").as("_available"));
    Column reason =
        when(coalesce(col("_n"), lit(0L)).equalTo(0),
                format_string("no actual after the %d base yet", col("base_year")))
            .when(col("_with_value").equalTo(0),
                format_string("no figure published for %s (暂无数据)", col("_no_data")))
            .otherwise(format_string("the figures available (%s) do not fit a %s target, which needs %s",
                col("_available"), col("target_kind"), needs()));
    Dataset<Row> rows =
        missing.join(summary, ActualSeries.TARGET, "left")
            .withColumn("placeholder_reason", reason)
            .withColumn("as_of", col("base_end"));
    for (String c : List.of("level", "cumulative", "factor", "yoy_growth", "growth_x", "growth_ref", "province_value")) {
      rows = rows.withColumn(c, lit(null).cast("double"));
    }
    rows = rows.withColumn("level_note", lit(null).cast("string"))
        .withColumn("cumulative_note", lit(null).cast("string"))
        .withColumn("level_period_start", lit(null).cast("date"))
        .withColumn("status_met", lit(null).cast("boolean"));
    rows = withColumns(rows, ProgressFormulas.time());
    return rows.select(concatColumns(evaluated.columns(), "placeholder_reason"));
  }

  private static Column[] concatColumns(String[] columns, String extra) {
    List<Column> out = new ArrayList<>();
    for (String c : columns) {
      out.add(col(c));
    }
    out.add(col(extra));
    return out.toArray(Column[]::new);
  }

  /** What each kind of target needs, for the reason of a placeholder. */
  private static Column needs() {
    return when(kindIs(TargetKind.CUMULATIVE), lit("every year's amount since the plan start, or a published cumulative figure"))
        .when(kindIs(TargetKind.ANNUAL_GROWTH), lit("every year's growth rate since the plan start, or a level with a base"))
        .when(kindIs(TargetKind.ASSIGNED), lit("a report whether the assigned target is met (value_kind status)"))
        .when(kindIs(TargetKind.SYNC_WITH_ECONOMY), lit("the indicator's growth over the same period as GDP"))
        .otherwise(lit("a full-year level (or, for a stock, a level at any date) on the target's statistical scope"));
  }
}
