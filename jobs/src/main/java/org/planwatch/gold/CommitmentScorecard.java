package org.planwatch.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.rules.Vocabulary.QuantityBound;
import org.planwatch.rules.Vocabulary.QuantityRole;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;

/**
 * gold.commitment_scorecard: per department and year, from silver.commitment and the quantities
 * {@link org.planwatch.silver.CommitmentQuantities} found in its texts.
 *
 * <p>Whether a reported result meets its target is decided per commitment, only on evidence the texts
 * give: (a) a target quantity and an achieved quantity of the same commitment with the same unit and
 * the same label (met when achieved >= target, or <= for an at_most target), (b) stated completion
 * rates (met when >= 100%). A commitment is not_met when any test fails, met when at least one test
 * applies and none fails, and unclear when its result gives neither. Commitments without a result
 * (target lists) get no verdict.
 */
public final class CommitmentScorecard {
  public static final TableSchema SCHEMA = Schemas.of("gold.commitment_scorecard");

  static final List<String> COMMITMENT_KEY = List.of("year", "department_zh", "item_seq");

  /**
   * The silver tables {@link #build} reads. No actual, evaluation or date enters the scorecard, so a run
   * that kept these two keeps it too ({@code NightlyRun}).
   */
  public static final List<String> READS = List.of("commitment", "commitment_quantity");

  private CommitmentScorecard() {}

  /** @param silver valid silver tables by unqualified name */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver) {
    Dataset<Row> commitments = silver.get(READS.get(0));
    Dataset<Row> quantities = silver.get(READS.get(1));
    Dataset<Row> verdicts = perCommitment(commitments, quantities);
    Dataset<Row> rates =
        quantities.where(col("role").equalTo(QuantityRole.COMPLETION_RATE.code()))
            .groupBy("year", "department_zh")
            .agg(min("value").as("completion_rate_min"), expr("percentile(value, 0.5)").as("completion_rate_median"),
                max("value").as("completion_rate_max"));
    Column met = col("outcome").equalTo("met");
    Dataset<Row> card =
        verdicts
            .groupBy("year", "department_zh")
            .agg(
                expr("min(department_en)").as("department_en"),
                expr("min(source_doc)").as("source_doc"),
                count(lit(1)).as("commitments"),
                sum(when(col("quantities").gt(0), 1).otherwise(0)).as("quantified_commitments"),
                sum(when(col("quantities").gt(0), 0).otherwise(1)).as("qualitative_commitments"),
                sum("targets").as("target_quantities"),
                sum("achieved").as("achieved_quantities"),
                sum(when(col("result_text").isNotNull(), 1).otherwise(0)).as("results_reported"),
                sum("rates").as("completion_rates_stated"),
                sum(when(col("rates").gt(0), 1).otherwise(0)).as("commitments_with_completion_rate"),
                sum(when(met, 1).otherwise(0)).as("commitments_met"),
                sum(when(met.and(col("pairs").gt(0)), 1).otherwise(0)).as("met_by_quantity"),
                sum(when(met.and(col("rates").gt(0)), 1).otherwise(0)).as("met_by_completion_rate"),
                sum(when(col("outcome").equalTo("not_met"), 1).otherwise(0)).as("commitments_not_met"),
                sum(when(col("outcome").equalTo("unclear"), 1).otherwise(0)).as("commitments_unclear"))
            .join(rates, Columns.seq(List.of("year", "department_zh")), "left");
    return card.select(SCHEMA.columnNames().stream().map(c -> col(c).cast(SCHEMA.field(c).dataType()).as(c)).toArray(Column[]::new));
  }

  /**
   * One row per commitment with its quantity counts and its outcome: met, not_met, unclear, or null
   * when no result is reported.
   */
  static Dataset<Row> perCommitment(Dataset<Row> commitments, Dataset<Row> quantities) {
    Column isTarget = col("role").equalTo(QuantityRole.TARGET.code());
    Column isAchieved = col("role").equalTo(QuantityRole.ACHIEVED.code());
    Column isRate = col("role").equalTo(QuantityRole.COMPLETION_RATE.code());
    Dataset<Row> counts =
        quantities.groupBy(Columns.of(COMMITMENT_KEY))
            .agg(
                sum(when(col("role").notEqual(QuantityRole.THRESHOLD.code()), 1).otherwise(0)).as("quantities"),
                sum(when(isTarget, 1).otherwise(0)).as("targets"),
                sum(when(isAchieved, 1).otherwise(0)).as("achieved"),
                sum(when(isRate, 1).otherwise(0)).as("rates"),
                sum(when(isRate.and(col("value").lt(100)), 1).otherwise(0)).as("rates_below_100"));
    Dataset<Row> targets = quantities.where(isTarget.and(col("label_zh").isNotNull()))
        .select(col("year"), col("department_zh"), col("item_seq"), col("unit"), col("label_zh"), col("value").as("target_value"),
            col("bound").as("target_bound"));
    Dataset<Row> achieved = quantities.where(isAchieved.and(col("label_zh").isNotNull()))
        .select(col("year"), col("department_zh"), col("item_seq"), col("unit"), col("label_zh"), col("value").as("achieved_value"));
    Column pairMet =
        when(col("target_bound").equalTo(QuantityBound.AT_MOST.code()), col("achieved_value").leq(col("target_value")))
            .otherwise(col("achieved_value").geq(col("target_value")));
    Dataset<Row> pairs =
        targets.join(achieved, Columns.seq(List.of("year", "department_zh", "item_seq", "unit", "label_zh")))
            .groupBy(Columns.of(COMMITMENT_KEY))
            .agg(count(lit(1)).as("pairs"), sum(when(pairMet, 0).otherwise(1)).as("pairs_failed"));
    Column zero = lit(0);
    Dataset<Row> joined =
        commitments
            .join(counts, Columns.seq(COMMITMENT_KEY), "left")
            .join(pairs, Columns.seq(COMMITMENT_KEY), "left");
    for (String c : List.of("quantities", "targets", "achieved", "rates", "rates_below_100", "pairs", "pairs_failed")) {
      joined = joined.withColumn(c, coalesce(col(c), zero));
    }
    Column outcome =
        when(col("result_text").isNull(), lit(null).cast("string"))
            .when(col("pairs_failed").gt(0).or(col("rates_below_100").gt(0)), lit("not_met"))
            .when(col("pairs").gt(0).or(col("rates").gt(0)), lit("met"))
            .otherwise(lit("unclear"));
    return joined.withColumn("outcome", outcome);
  }
}
