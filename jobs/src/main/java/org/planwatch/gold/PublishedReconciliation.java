package org.planwatch.gold;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.planwatch.rules.ProgressMeasure;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;

/**
 * gold.published_reconciliation: every figure a document publishes about a plan's progress beside
 * ours. Three sources: the evaluation columns of a table (实现度, 进度评价, 2025 expectation), the
 * derived columns of a table (两年年均增幅 / 累计增长: observations of kind avg_annual_growth,
 * cumulative_change, avg_annual_increment, cumulative), and figures stated in prose
 * (silver.published_figure).
 *
 * <p>A number matches when it is within half a unit of its last published digit (36.1% allows 0.05
 * points); a rating matches when it is the same. Where they differ, the explanation comes from
 * silver.reconciliation_note, curated by reading the document; a difference nobody has explained is
 * {@code unexplained}, so new data cannot hide one.
 */
public final class PublishedReconciliation {
  public static final TableSchema SCHEMA = Schemas.of("gold.published_reconciliation");

  private PublishedReconciliation() {}

  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> progress) {
    Dataset<Row> evaluation = silver.get("published_evaluation");
    List<Dataset<Row>> figures = new ArrayList<>();

    // 实现度
    Dataset<Row> rates = evaluation.where(col("achievement_rate").isNotNull());
    figures.add(figure(rates, "achievement_rate", "table_evaluation", col("achievement_rate_text"),
        // Rounded back to the printed digits: 0.288 * 100 is 28.799999999999997 in binary.
        round(col("achievement_rate").multiply(100), 6), decimals(col("achievement_rate_text")), null));
    // 进度评价 and the target-year expectation, compared as text
    // Only ratings the document prints: the Wuxing 13th plan table has no 进度评价 column.
    figures.add(figure(evaluation.where(col("progress_rating_text").isNotNull()), "progress_status", "table_evaluation", col("progress_rating_text"),
        lit(null), lit(null), col("progress_rating")));
    figures.add(figure(evaluation.where(col("expectation").isNotNull()), "expected_attainment", "table_evaluation",
        col("expectation_text"), lit(null), lit(null), col("expectation")));
    // prose
    Dataset<Row> prose = silver.get("published_figure");
    figures.add(figure(prose, null, "prose", col("published_text"), col("published_value"), decimals(col("published_value").cast("string")), null));
    // derived columns of the evaluation's table
    figures.add(derivedColumns(silver, evaluation));

    // Checkpointed: looked at before the joins. Without a published figure there is nothing to reconcile, and
    // the plan below would scan every actual and evaluation to find no row.
    Dataset<Row> published = figures.stream().reduce(Dataset::unionByName).orElseThrow().transform(HeldRows::of);
    if (published.isEmpty()) {
      return published.sparkSession().createDataFrame(List.of(), SCHEMA.columns());
    }
    // Our side for the targets a document publishes figures about only: the work follows what is published.
    Dataset<Row> publishedTargets = published.select(col("plan_id"), col("region_code"), col("indicator_code")).distinct();
    Dataset<Row> ours = ourValues(progress.join(publishedTargets, Columns.seq(List.of("plan_id", "region_code", "indicator_code")), "left_semi"),
        silver, publishedTargets);
    Dataset<Row> joined =
        published.join(ours,
                published.col("plan_id").equalTo(ours.col("_plan")).and(published.col("region_code").equalTo(ours.col("_region")))
                    .and(published.col("indicator_code").equalTo(ours.col("_indicator"))).and(ours.col("_as_of").leq(published.col("as_of"))),
                "left")
            .withColumn("_rank", row_number().over(Window.partitionBy(col("plan_id"), col("region_code"), col("indicator_code"),
                col("as_of"), col("measure"), col("source_kind")).orderBy(col("_as_of").desc_nulls_last())))
            .where(col("_rank").equalTo(1));

    Column ourValue = ourNumber();
    Column tolerance = when(col("published_decimals").isNotNull(), pow(lit(10.0), col("published_decimals").multiply(-1)).divide(2));
    Column difference = ourValue.minus(col("published_value"));
    Column numeric = col("published_value").isNotNull();
    Column ourCode = ourCode();
    Column textMatches = textMatches(ourCode);
    Column matches = when(numeric, abs(difference).leq(tolerance.plus(1e-9))).otherwise(textMatches);
    Dataset<Row> notes = silver.get("reconciliation_note").select(
        col("plan_id").as("_np"), col("indicator_code").as("_ni"), col("measure").as("_nm"), col("source_kind").as("_ns"),
        col("category").as("_category"), col("explanation").as("_explanation"));
    Dataset<Row> withNotes =
        joined.withColumn("our_value", ourValue).withColumn("our_code", ourCode)
            .withColumn("difference", difference).withColumn("tolerance", tolerance).withColumn("matches", matches)
            .join(notes, col("plan_id").equalTo(col("_np")).and(col("indicator_code").equalTo(col("_ni")))
                .and(col("measure").equalTo(col("_nm"))).and(col("source_kind").equalTo(col("_ns"))), "left");
    Column bothUnevaluated =
        col("measure").isin("progress_status", "expected_attainment").and(col("published_code").equalTo("not_evaluated"))
            .and(col("_evaluable").equalTo(false));
    Column category =
        when(col("matches").and(numeric), lit("matches_within_rounding"))
            .when(col("matches"), lit("same_rating"))
            .when(bothUnevaluated, lit("both_not_evaluated"))
            .when(col("_category").isNotNull(), col("_category"))
            .when(numeric.and(ourValue.isNull()).or(numeric.unary_$bang().and(ourCode.isNull())), lit("not_computable"))
            .otherwise(lit("unexplained"));
    Column explanation =
        when(col("matches"), lit(null))
            .when(col("_explanation").isNotNull(), col("_explanation"))
            .when(col("_reason").isNotNull(), col("_reason"));
    return withNotes
        .withColumn("explanation_category", category)
        .withColumn("explanation", explanation)
        .withColumn("our_text", when(numeric.unary_$bang(),
            coalesce(when(col("measure").equalTo("expected_attainment"), col("_our_expected_label")).otherwise(col("_our_label")), col("_reason"))))
        .withColumn("our_as_of", col("_as_of"))
        .select(SCHEMA.columnNames().stream().map(c -> col(c).cast(SCHEMA.field(c).dataType()).as(c)).toArray(Column[]::new));
  }

  /** Decimals of a printed number ("36.1%" -> 1, "55%" -> 0, "0.0176" -> 4). */
  private static Column decimals(Column text) {
    Column number = regexp_extract(regexp_replace(text, "\\.0+$", ""), "-?[0-9]+(\\.[0-9]+)?", 0);
    Column fraction = regexp_extract(number, "\\.([0-9]+)", 1);
    return when(number.equalTo(""), lit(null)).otherwise(length(fraction));
  }

  private static Dataset<Row> figure(
      Dataset<Row> rows, String measure, String sourceKind, Column text, Column value, Column decimals, Column code) {
    return rows.select(
        col("plan_id"), col("region_code"), col("indicator_code"), col("as_of"),
        (measure == null ? col("measure") : lit(measure)).as("measure"),
        lit(sourceKind).as("source_kind"),
        text.cast("string").as("published_text"),
        value.cast("double").as("published_value"),
        decimals.cast("int").as("published_decimals"),
        (code == null ? lit(null) : code).cast("string").as("published_code"),
        col("source_doc"), col("source_line"));
  }

  /**
   * The derived columns of the table the evaluation comes from (两年年均增幅/累计增长): observations
   * from the evaluation's document, over the plan period from its start to the evaluation date.
   */
  private static Dataset<Row> derivedColumns(Map<String, Dataset<Row>> silver, Dataset<Row> evaluation) {
    Dataset<Row> documents = evaluation.select(col("plan_id"), col("region_code").as("_dr"), col("source_doc").as("_doc")).distinct();
    Dataset<Row> plans = silver.get("plan").select(col("plan_id"), col("period_start_year"));
    Column measure =
        when(col("value_kind").equalTo("avg_annual_growth"), lit("past_cagr"))
            .when(col("value_kind").equalTo("cumulative_change"), lit("change_since_base"))
            .when(col("value_kind").equalTo("avg_annual_increment"), lit("past_annual_increment"))
            .when(col("value_kind").equalTo("cumulative"), lit("cumulative_actual"));
    // No published evaluation, no document: the plan below would still scan every actual (limit 0 reads none).
    Dataset<Row> observation = evaluation.isEmpty() ? silver.get("observation").limit(0) : silver.get("observation");
    Dataset<Row> rows =
        observation
            .where(col("value").isNotNull().and(col("value_kind").isin("avg_annual_growth", "cumulative_change", "avg_annual_increment", "cumulative")))
            .join(documents, col("region_code").equalTo(col("_dr")).and(col("source_doc").equalTo(col("_doc"))))
            .join(plans, "plan_id")
            .where(year(col("period_start")).equalTo(col("period_start_year")))
            .withColumn("as_of", col("period_end"))
            .withColumn("measure", measure);
    return figure(rows, null, "table_derived_column", col("value_text"), col("value"), decimals(col("value").cast("string")), null);
  }

  /**
   * Our side, one row per target and date: every measure's value in the published unit, the rating
   * and the outlook. The cumulative actual is summed from yearly amounts here, never taken from the
   * published cumulative figure it is compared with.
   */
  private static Dataset<Row> ourValues(Dataset<Row> progress, Map<String, Dataset<Row>> silver, Dataset<Row> targets) {
    List<Column> columns = new ArrayList<>();
    columns.add(col("plan_id").as("_plan"));
    columns.add(col("region_code").as("_region"));
    columns.add(col("indicator_code").as("_indicator"));
    columns.add(col("as_of").as("_as_of"));
    columns.add(col("evaluable").as("_evaluable"));
    columns.add(col("indicator_name_zh"));
    columns.add(col("not_evaluable_reason").as("_reason"));
    columns.add(col("progress_status").as("_progress_status"));
    columns.add(col("progress_status_zh").as("_our_label"));
    columns.add(col("expected_attainment").as("_expected_attainment"));
    columns.add(col("expected_attainment_zh").as("_our_expected_label"));
    for (ProgressMeasure m : ProgressMeasure.values()) {
      if (m != ProgressMeasure.CUMULATIVE_ACTUAL) {
        columns.add(expr(m.ourValueSql()).as("_m_" + m.code()));
      }
    }
    Dataset<Row> ours = progress.select(columns.toArray(Column[]::new));
    return ours.join(yearlySums(silver, targets), col("_plan").equalTo(col("_sp")).and(col("_indicator").equalTo(col("_si")))
            .and(col("_as_of").equalTo(col("_sa"))), "left")
        .drop("_sp", "_si", "_sa");
  }

  /** Sums of yearly amounts from the plan start, where no year is missing, for the plans and indicators of {@code targets}. */
  private static Dataset<Row> yearlySums(Map<String, Dataset<Row>> silver, Dataset<Row> targets) {
    Dataset<Row> plans = silver.get("plan").select(col("plan_id"), col("region_code"), col("period_start_year"));
    Dataset<Row> levels =
        silver.get("observation").where(col("value_kind").equalTo("level").and(col("value").isNotNull())
            .and(ActualSeries.fullYear(col("period_start"), col("period_end"))));
    Dataset<Row> joined = levels.join(plans, "region_code").where(year(col("period_end")).geq(col("period_start_year")))
        .join(targets.select(col("plan_id"), col("indicator_code")).distinct(), Columns.seq(List.of("plan_id", "indicator_code")), "left_semi");
    var running = Window.partitionBy(col("plan_id"), col("indicator_code"), col("statistical_scope")).orderBy(col("period_end"))
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return joined
        .withColumn("_sum", sum(col("value")).over(running))
        .withColumn("_n", count(lit(1)).over(running))
        .where(col("_n").equalTo(year(col("period_end")).minus(col("period_start_year")).plus(1)))
        .select(col("plan_id").as("_sp"), col("indicator_code").as("_si"), col("period_end").as("_sa"), col("_sum").as("_m_cumulative_actual"));
  }

  private static Column ourNumber() {
    Column out = null;
    for (ProgressMeasure m : ProgressMeasure.values()) {
      Column is = col("measure").equalTo(m.code());
      out = out == null ? when(is, col("_m_" + m.code())) : out.when(is, col("_m_" + m.code()));
    }
    return out;
  }

  private static Column ourCode() {
    return when(col("measure").equalTo("progress_status"), col("_progress_status"))
        .when(col("measure").equalTo("expected_attainment"), col("_expected_attainment"));
  }

  /** Same rating; for the outlook, "can be completed" and "already completed" agree with 可以完成. */
  private static Column textMatches(Column ourCode) {
    Column positive = col("published_code").isin("achievable", "achieved_early", "achieved");
    Column ourPositive = ourCode.isin("achievable", "achieved");
    return when(col("measure").equalTo("progress_status"), col("published_code").equalTo(ourCode))
        .when(col("measure").equalTo("expected_attainment"),
            when(col("published_code").equalTo("not_evaluated").or(ourCode.isNull()), lit(false))
                .otherwise(positive.equalTo(ourPositive)))
        .otherwise(lit(false));
  }
}
