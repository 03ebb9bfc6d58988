package org.planwatch.silver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.planwatch.rules.TargetKind;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;

/**
 * Bronze to silver: types every field, checks codes against the tables they refer to, checks that
 * each target's values fit its kind, applies the documented revisions of bases and targets, and
 * quarantines whatever fails with the reason. Tables are built in dependency order so that a row
 * referring to a quarantined row is itself quarantined ("unknown plan"), never silently dropped.
 */
public final class SilverStage {
  private final Map<String, Dataset<Row>> bronze;
  private final Map<String, Dataset<Row>> valid = new LinkedHashMap<>();
  private final List<Dataset<Row>> quarantined = new ArrayList<>();

  private SilverStage(Map<String, Dataset<Row>> bronze) {
    this.bronze = bronze;
  }

  /** Valid rows per silver table (by unqualified name), and the quarantined problems of all tables. */
  public record Result(Map<String, Dataset<Row>> tables, Dataset<Row> quarantine) {}

  /** @param bronze bronze rows by unqualified table name (region, plan, plan_target, ...) */
  public static Result build(Map<String, Dataset<Row>> bronze) {
    SilverStage stage = new SilverStage(bronze);
    stage.region();
    stage.plan();
    stage.indicator();
    Checked targets = stage.typed("plan_target");
    stage.planRevision(targets);
    stage.planTarget(targets);
    stage.observation();
    stage.publishedEvaluation();
    stage.publishedFigure();
    stage.reconciliationNote();
    stage.indicatorCrosswalk();
    stage.commitment();
    stage.commitmentQuantity();
    stage.commitmentLink();
    Dataset<Row> quarantine = stage.quarantined.stream().reduce(Dataset::unionByName).orElseThrow();
    return new Result(stage.valid, quarantine);
  }

  private Checked typed(String table) {
    return typed(table, bronze.get(table));
  }

  private Checked typed(String table, Dataset<Row> rows) {
    return Typing.typed(rows, Schemas.of("bronze." + table), Schemas.of("silver." + table));
  }

  private void finish(String table, Checked checked) {
    finish(table, checked, java.util.function.UnaryOperator.identity());
  }

  private void finish(String table, Checked checked, java.util.function.UnaryOperator<Dataset<Row>> conform) {
    Checked.Outcome outcome = checked.split(Schemas.of("silver." + table), conform);
    valid.put(table, outcome.valid());
    quarantined.add(outcome.quarantine());
  }

  private Dataset<Row> valid(String table) {
    return valid.get(table);
  }

  private void region() {
    Checked c = typed("region");
    Dataset<Row> codes = c.rows().select(col("region_code").as("code"));
    c = c.requireKnown(List.of("parent_code"), codes, List.of("code"), "unknown parent region code (not in datasets/regions)");
    finish("region", c);
  }

  private void plan() {
    Checked c = typed("plan");
    c = c.requireKnown(List.of("region_code"), valid("region"), List.of("region_code"), "unknown region code (not in datasets/regions)");
    c = c.check(col("period_end_year").lt(col("period_start_year")), "period_end_year", col("period_end_year"),
        lit("the plan period ends before it starts"));
    c = c.check(col("base_year").geq(col("target_year")), "base_year", col("base_year"), lit("base year must come before the target year"));
    finish("plan", c);
  }

  private void indicator() {
    Checked c = typed("indicator");
    c = c.requireKnown(List.of("plan_id"), valid("plan"), List.of("plan_id"), "unknown plan id (not in datasets/plans)");
    // One code, one definition: the unit must agree with the first plan that defines the code.
    WindowSpec byCode = Window.partitionBy(col("indicator_code")).orderBy(col("input_file"), col("input_line"));
    c = c.with(d -> d
        .withColumn("_first_unit", first(coalesce(col("unit"), lit(""))).over(byCode))
        .withColumn("_first_at", first(format_string("%s:%d", col("input_file"), col("input_line"))).over(byCode)));
    c = c.check(coalesce(col("unit"), lit("")).notEqual(col("_first_unit")), "unit", col("unit"),
        format_string("the same indicator_code has unit '%s' at %s: one code, one unit (give this indicator its own code)",
            col("_first_unit"), col("_first_at")));
    finish("indicator", c);
  }

  private void planRevision(Checked targets) {
    Checked c = typed("plan_revision");
    c = c.requireKnown(List.of("plan_id", "region_code"), valid("plan"), List.of("plan_id", "region_code"),
        "unknown plan, or the region is not the plan's region");
    c = c.requireKnown(List.of("plan_id", "indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "indicator not in the plan's catalogue (datasets/indicators)");
    // The value a revision replaces must be the one the plan prints.
    Dataset<Row> printed =
        targets.rows()
            .select(col("plan_id").as("_p"), col("indicator_code").as("_i"),
                col("base_value").as("_printed_base"), col("target_value").as("_printed_target"));
    c = c.with(d -> d.join(broadcast(printed), d.col("plan_id").equalTo(col("_p")).and(d.col("indicator_code").equalTo(col("_i"))), "left")
        .drop("_p", "_i")
        .withColumn("_printed", when(col("revised_field").equalTo("base_value"), col("_printed_base")).otherwise(col("_printed_target"))));
    c = c.check(col("_printed").isNotNull().and(col("_printed").notEqual(col("original_value"))), "original_value", col("original_value"),
        format_string("the plan prints %s for %s, not this original value", col("_printed").cast("string"), col("revised_field")));
    finish("plan_revision", c);
  }

  private void planTarget(Checked c) {
    c = c.requireKnown(List.of("plan_id", "region_code"), valid("plan"), List.of("plan_id", "region_code"),
        "unknown plan, or the region is not the plan's region");
    c = c.requireKnown(List.of("plan_id", "indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "indicator not in the plan's catalogue (datasets/indicators)");
    Dataset<Row> directions =
        valid("indicator").select(col("plan_id").as("_dp"), col("indicator_code").as("_di"), col("direction").as("_direction"));
    c = c.with(d -> d.join(broadcast(directions), d.col("plan_id").equalTo(col("_dp")).and(d.col("indicator_code").equalTo(col("_di"))), "left")
        .drop("_dp", "_di"));
    Column kindProblem = null;
    for (TargetKind kind : TargetKind.values()) {
      Column p = kind.problem(col("base_value"), col("target_value"), col("planned_growth_value"), col("planned_growth_kind"), col("_direction"));
      kindProblem = kindProblem == null ? when(col("target_kind").equalTo(kind.code()), p) : kindProblem.when(col("target_kind").equalTo(kind.code()), p);
    }
    c = c.checkReason(kindProblem, "target_kind", col("target_kind"));
    c = c.check(col("base_year").geq(col("target_year")), "base_year", col("base_year"), lit("base year must come before the target year"));
    finish("plan_target", c, this::applyRevisions);
  }

  /**
   * base_value / target_value become the values used for evaluation (revised where a revision
   * exists, and for cumulative targets the planned total); the printed ones move to *_original.
   */
  private Dataset<Row> applyRevisions(Dataset<Row> targets) {
    Dataset<Row> revisions = valid("plan_revision");
    Dataset<Row> base = revisions.where(col("revised_field").equalTo("base_value"))
        .select(col("plan_id").as("_bp"), col("indicator_code").as("_bi"), col("revised_value").as("_base_revised"),
            col("revision_kind").as("base_revision_kind"), col("reason_zh").as("base_revision_reason"));
    Dataset<Row> target = revisions.where(col("revised_field").equalTo("target_value"))
        .select(col("plan_id").as("_tp"), col("indicator_code").as("_ti"), col("revised_value").as("_target_revised"),
            col("revision_kind").as("target_revision_kind"), col("reason_zh").as("target_revision_reason"));
    Column plannedTotal =
        when(col("target_kind").equalTo(TargetKind.CUMULATIVE.code()).and(col("planned_growth_kind").equalTo("cumulative_total")),
            col("planned_growth_value"));
    return targets
        .join(broadcast(base), targets.col("plan_id").equalTo(col("_bp")).and(targets.col("indicator_code").equalTo(col("_bi"))), "left")
        .join(broadcast(target), targets.col("plan_id").equalTo(col("_tp")).and(targets.col("indicator_code").equalTo(col("_ti"))), "left")
        .withColumn("base_value_original", col("base_value"))
        .withColumn("target_value_original", col("target_value"))
        .withColumn("base_value", coalesce(col("_base_revised"), col("base_value")))
        .withColumn("target_value", coalesce(col("_target_revised"), col("target_value"), plannedTotal))
        .drop("_bp", "_bi", "_tp", "_ti", "_base_revised", "_target_revised");
  }

  private void observation() {
    Dataset<Row> rows = bronze.get("observation")
        .withColumn("statistical_scope", coalesce(Typing.raw("statistical_scope"), lit("as_published")));
    Checked c = typed("observation", rows);
    c = c.requireKnown(List.of("region_code"), valid("region"), List.of("region_code"), "unknown region code (not in datasets/regions)");
    c = c.requireKnown(List.of("indicator_code"), valid("indicator"), List.of("indicator_code"),
        "unknown indicator code (in no plan's catalogue, datasets/indicators)");
    c = c.check(col("period_end").lt(col("period_start")), "period_end", col("period_end"), lit("the period ends before it starts"));
    Column isStatus = col("value_kind").equalTo("status");
    c = c.check(isStatus.and(col("status_met").isNull()), "status_met", col("status_met"),
        lit("a status row needs status_met (true or false)"));
    c = c.check(isStatus.unary_$bang().and(col("status_met").isNotNull()), "status_met", col("status_met"),
        lit("status_met is only for value_kind status"));
    c = c.check(isStatus.unary_$bang().and(col("value").isNull()).and(trim(coalesce(col("value_text"), lit(""))).equalTo("")),
        "value", col("value"), lit("no figure: give the value, or the printed text (e.g. 暂无数据) in value_text"));
    finish("observation", c);
  }

  private void publishedEvaluation() {
    Checked c = typed("published_evaluation");
    c = knownPlanIndicator(c);
    finish("published_evaluation", c);
  }

  private void publishedFigure() {
    Checked c = typed("published_figure");
    c = knownPlanIndicator(c);
    finish("published_figure", c);
  }

  private void reconciliationNote() {
    Checked c = typed("reconciliation_note");
    c = c.requireKnown(List.of("plan_id", "indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "indicator not in the plan's catalogue (datasets/indicators)");
    finish("reconciliation_note", c);
  }

  private Checked knownPlanIndicator(Checked c) {
    c = c.requireKnown(List.of("plan_id", "region_code"), valid("plan"), List.of("plan_id", "region_code"),
        "unknown plan, or the region is not the plan's region");
    return c.requireKnown(List.of("plan_id", "indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "indicator not in the plan's catalogue (datasets/indicators)");
  }

  private void indicatorCrosswalk() {
    Checked c = typed("indicator_crosswalk");
    c = c.requireKnown(List.of("city_plan_id"), valid("plan"), List.of("plan_id"), "unknown plan id (not in datasets/plans)");
    c = c.requireKnown(List.of("district_plan_id"), valid("plan"), List.of("plan_id"), "unknown plan id (not in datasets/plans)");
    c = c.requireKnown(List.of("city_plan_id", "city_indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "city indicator not in the city plan's catalogue");
    c = c.requireKnown(List.of("district_plan_id", "district_indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "district indicator not in the district plan's catalogue");
    c = c.check(col("city_indicator_code").isNull().and(col("district_indicator_code").isNull()), "city_indicator_code",
        lit(null), lit("a crosswalk row needs at least one of city_indicator_code and district_indicator_code"));
    Column oneSided = col("city_indicator_code").isNull().or(col("district_indicator_code").isNull());
    c = c.check(oneSided.and(col("comparability").notEqual("no_counterpart")), "comparability", col("comparability"),
        lit("an indicator without counterpart must say no_counterpart"));
    c = c.check(oneSided.unary_$bang().and(col("comparability").equalTo("no_counterpart")), "comparability", col("comparability"),
        lit("no_counterpart needs one side empty: a matched pair says how comparable it is (not_comparable if not at all)"));
    // The district plan must belong to a district or county of the city plan's region.
    Dataset<Row> planRegion = valid("plan").select(col("plan_id").as("_xp"), col("region_code").as("_xr"));
    Dataset<Row> parent = valid("region").select(col("region_code").as("_rr"), col("parent_code").as("_rparent"));
    c = c.with(d -> d
        .join(broadcast(planRegion.withColumnRenamed("_xp", "_cp").withColumnRenamed("_xr", "_city_region")),
            d.col("city_plan_id").equalTo(col("_cp")), "left")
        .join(broadcast(planRegion.withColumnRenamed("_xp", "_dp").withColumnRenamed("_xr", "_district_region")),
            d.col("district_plan_id").equalTo(col("_dp")), "left")
        .join(broadcast(parent), col("_district_region").equalTo(col("_rr")), "left")
        // Canonical code: the city's code, so that every district of a city lines up under the same code.
        .withColumn("canonical_code", coalesce(col("city_indicator_code"), col("district_indicator_code"))));
    c = c.check(col("_city_region").isNotNull().and(col("_district_region").isNotNull())
            .and(coalesce(col("_rparent").notEqual(col("_city_region")), lit(true))),
        "district_plan_id", col("district_plan_id"),
        format_string("the district plan's region %s is not a district or county of the city plan's region %s (datasets/regions parent_code)",
            col("_district_region"), col("_city_region")));
    finish("indicator_crosswalk", c);
  }

  private void commitment() {
    Checked c = typed("commitment");
    c = c.check(col("target_text").isNull().and(col("result_text").isNull()), "target_text", lit(null),
        lit("a commitment needs a target_text or a result_text"));
    finish("commitment", c);
  }

  /** Derived, not read: every commitment's quantities. A text without any is qualitative, not a problem. */
  private void commitmentQuantity() {
    valid.put("commitment_quantity", CommitmentQuantities.extract(valid("commitment")));
  }

  private void commitmentLink() {
    Checked c = typed("commitment_link");
    List<String> commitmentKey = List.of("year", "department_zh", "item_seq");
    c = c.requireKnown(commitmentKey, valid("commitment"), commitmentKey,
        "no such commitment (year, department_zh, item_seq not in datasets/commitments)");
    c = c.requireKnown(List.of("plan_id", "indicator_code"), valid("indicator"), List.of("plan_id", "indicator_code"),
        "indicator not in the plan's catalogue (datasets/indicators)");
    // The evidence must be the commitment's own words, so that a reader finds it and the gold table
    // can pick the quantities it contains.
    Dataset<Row> texts = valid("commitment").select(col("year").as("_cy"), col("department_zh").as("_cd"), col("item_seq").as("_cs"),
        concat_ws("\n", col("item_zh"), col("target_text"), col("result_text")).as("_commitment_text"));
    c = c.with(d -> d.join(broadcast(texts),
        d.col("year").equalTo(col("_cy")).and(d.col("department_zh").equalTo(col("_cd"))).and(d.col("item_seq").equalTo(col("_cs"))), "left"));
    c = c.check(col("_commitment_text").isNotNull().and(col("evidence_text").isNotNull())
            .and(expr("instr(_commitment_text, evidence_text)").equalTo(0)),
        "evidence_text", col("evidence_text"), lit("evidence_text does not occur in the commitment's item, target or result text"));
    finish("commitment_link", c);
  }
}
