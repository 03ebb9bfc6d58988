package org.planwatch.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.planwatch.rules.Vocabulary.CommitmentField;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;

/**
 * gold.commitment_indicator_link: each curated link (silver.commitment_link) with the commitment, the
 * quantities found inside its evidence text, the indicator and its plan target, and the latest
 * evaluation of that target in gold.indicator_progress up to the run date. One row per quantity in the
 * evidence; one row with empty quantity columns when the evidence has no quantity.
 */
public final class CommitmentIndicatorLink {
  public static final TableSchema SCHEMA = Schemas.of("gold.commitment_indicator_link");

  private CommitmentIndicatorLink() {}

  /**
   * @param silver valid silver tables by unqualified name
   * @param progress all rows of gold.indicator_progress
   */
  public static Dataset<Row> build(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate asOf) {
    Dataset<Row> commitments = silver.get("commitment").select(col("year"), col("department_zh"), col("item_seq"), col("department_en"),
        col("item_zh"), col("target_text"), col("result_text"));
    // The text the evidence was taken from, and where in it; targets and results before items, whose
    // words some target texts repeat.
    Column field =
        when(expr("instr(coalesce(target_text, ''), evidence_text)").gt(0), lit(CommitmentField.TARGET.code()))
            .when(expr("instr(coalesce(result_text, ''), evidence_text)").gt(0), lit(CommitmentField.RESULT.code()))
            .when(expr("instr(item_zh, evidence_text)").gt(0), lit(CommitmentField.ITEM.code()));
    Column start =
        when(col("evidence_field").equalTo(CommitmentField.TARGET.code()), expr("instr(target_text, evidence_text)"))
            .when(col("evidence_field").equalTo(CommitmentField.RESULT.code()), expr("instr(result_text, evidence_text)"))
            .otherwise(expr("instr(item_zh, evidence_text)"));
    // Checkpointed: looked at before the joins. Without a link there is no row, and the plan below would read
    // the progress table to find none.
    Dataset<Row> links =
        silver.get("commitment_link")
            .join(commitments, Columns.seq(CommitmentScorecard.COMMITMENT_KEY))
            .withColumn("evidence_field", field)
            .withColumn("_evidence_start", start)
            .transform(HeldRows::of);
    if (links.isEmpty()) {
      return links.sparkSession().createDataFrame(List.of(), SCHEMA.columns());
    }

    Dataset<Row> quantities = silver.get("commitment_quantity").select(col("year").as("_qy"), col("department_zh").as("_qd"),
        col("item_seq").as("_qs"), col("source_field").as("_qf"), col("char_position").as("_qp"), col("quantity_seq"),
        col("role").as("quantity_role"), col("value").as("quantity_value"), col("unit").as("quantity_unit"), col("bound").as("quantity_bound"),
        col("label_zh").as("quantity_label_zh"));
    Column inEvidence =
        col("year").equalTo(col("_qy")).and(col("department_zh").equalTo(col("_qd"))).and(col("item_seq").equalTo(col("_qs")))
            .and(col("evidence_field").equalTo(col("_qf")))
            .and(col("_qp").geq(col("_evidence_start")))
            .and(col("_qp").lt(col("_evidence_start").plus(expr("length(evidence_text)"))));
    Dataset<Row> withQuantities = links.join(quantities, inEvidence, "left");

    Dataset<Row> indicators = silver.get("indicator").select(col("plan_id").as("_ip"), col("indicator_code").as("_ic"),
        col("name_zh").as("indicator_name_zh"), col("name_en").as("indicator_name_en"), col("unit").as("indicator_unit"));
    Dataset<Row> plans = silver.get("plan").select(col("plan_id").as("_pp"), col("region_code"));
    // The latest evaluation of the linked targets only: the work follows the links, not every target's history.
    Dataset<Row> linkedTargets =
        silver.get("commitment_link").join(plans, col("plan_id").equalTo(col("_pp")))
            .select(col("plan_id").as("_tp"), col("region_code").as("_tr"), col("indicator_code").as("_ti")).distinct();
    Dataset<Row> latest =
        progress.where(col("as_of").leq(lit(java.sql.Date.valueOf(asOf))))
            .join(linkedTargets, col("plan_id").equalTo(col("_tp")).and(col("region_code").equalTo(col("_tr")))
                .and(col("indicator_code").equalTo(col("_ti"))), "left_semi")
            .withColumn("_latest", row_number().over(Window.partitionBy("plan_id", "region_code", "indicator_code").orderBy(col("as_of").desc())))
            .where(col("_latest").equalTo(1))
            .select(col("plan_id").as("_gp"), col("region_code").as("_gr"), col("indicator_code").as("_gi"),
                col("base_year").as("plan_base_year"), col("base_value").as("plan_base_value"), col("target_year").as("plan_target_year"),
                col("target_value").as("plan_target_value"), col("target_text").as("plan_target_text"), col("planned_growth_text"),
                col("target_kind"), col("as_of").as("progress_as_of"), col("actual_value").as("progress_actual_value"), col("achievement_rate"),
                col("progress_status"), col("progress_status_zh"), col("expected_attainment"), col("not_evaluable_reason"));

    Dataset<Row> all =
        withQuantities
            .join(broadcast(indicators), col("plan_id").equalTo(col("_ip")).and(col("indicator_code").equalTo(col("_ic"))), "left")
            .join(broadcast(plans), col("plan_id").equalTo(col("_pp")), "left")
            .join(latest, col("plan_id").equalTo(col("_gp")).and(col("region_code").equalTo(col("_gr"))).and(col("indicator_code").equalTo(col("_gi"))),
                "left")
            .withColumn("unit_matches_indicator", when(col("quantity_unit").isNotNull(), col("quantity_unit").equalTo(col("indicator_unit"))))
            .withColumn("link_source_doc", col("source_doc"))
            .withColumn("link_source_lines", col("source_lines"));
    List<String> columns = SCHEMA.columnNames();
    return all.select(columns.stream().map(c -> col(c).cast(SCHEMA.field(c).dataType()).as(c)).toArray(Column[]::new));
  }
}
