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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
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
  /**
   * Every silver table, in the order they are built, with the silver tables its rows are checked
   * against or derived from. A table read but not listed here is refused while building ({@link
   * #valid}), so this stays the one statement of what a change of one table reaches.
   */
  public static final Map<String, List<String>> READS;
  /** The bronze tables a silver table reads besides (or instead of) its own. */
  private static final Map<String, List<String>> BRONZE_READS =
      Map.of("plan_revision", List.of("plan_revision", "plan_target"), "commitment_quantity", List.of());

  /** A silver table, the silver tables it reads, and how it is built. */
  private record Builder(String table, List<String> reads, Consumer<SilverStage> build) {}

  private static final List<Builder> BUILDERS = List.of(
      new Builder("region", List.of(), SilverStage::region),
      new Builder("plan", List.of("region"), SilverStage::plan),
      new Builder("indicator", List.of("plan"), SilverStage::indicator),
      new Builder("plan_revision", List.of("plan", "indicator"), SilverStage::planRevision),
      new Builder("plan_target", List.of("plan", "indicator", "plan_revision"), SilverStage::planTarget),
      new Builder("observation", List.of("region", "indicator"), SilverStage::observation),
      new Builder("published_evaluation", List.of("plan", "indicator"), SilverStage::publishedEvaluation),
      new Builder("published_figure", List.of("plan", "indicator"), SilverStage::publishedFigure),
      new Builder("reconciliation_note", List.of("indicator"), SilverStage::reconciliationNote),
      new Builder("indicator_crosswalk", List.of("plan", "indicator", "region"), SilverStage::indicatorCrosswalk),
      new Builder("commitment", List.of(), SilverStage::commitment),
      new Builder("commitment_quantity", List.of("commitment"), SilverStage::commitmentQuantity),
      new Builder("commitment_link", List.of("commitment", "indicator"), SilverStage::commitmentLink));

  static {
    Map<String, List<String>> reads = new LinkedHashMap<>();
    BUILDERS.forEach(b -> reads.put(b.table(), b.reads()));
    READS = Collections.unmodifiableMap(reads);
  }

  /**
   * The silver tables checked again for their changed input files only ({@link ChangedFiles}) when
   * nothing else they read changed: tables whose checks look at one row at a time besides the
   * duplicate key. silver.observation is the one that grows with every quarter; the catalogues are
   * small and some check across rows (one unit per indicator code).
   */
  public static final Set<String> BY_FILE = Set.of("observation");

  /**
   * The input files of a {@link #BY_FILE} table that changed since the previous run, and the table and
   * silver.quarantine as that run left them.
   */
  public record FileChange(Set<String> files, Dataset<Row> storedRows, Dataset<Row> storedQuarantine) {}

  /** The bronze tables (unqualified) whose rows silver table {@code table} is built from. */
  public static List<String> bronzeReads(String table) {
    return BRONZE_READS.getOrDefault(table, List.of(table));
  }

  /**
   * The silver tables a change reaches, in build order: those whose bronze rows changed ({@code
   * bronzeChanged}, unqualified), those not {@code keepable} as they are, and every table that reads a
   * table reached.
   */
  public static Set<String> reached(Set<String> bronzeChanged, Predicate<String> keepable) {
    Set<String> reached = new LinkedHashSet<>();
    READS.forEach((table, reads) -> {
      if (!keepable.test(table) || bronzeReads(table).stream().anyMatch(bronzeChanged::contains)
          || reads.stream().anyMatch(reached::contains)) {
        reached.add(table);
      }
    });
    return reached;
  }

  private final Map<String, Dataset<Row>> bronze;
  private final Set<String> computed;
  private final Map<String, FileChange> byFile;
  private final Map<String, Set<String>> slices = new LinkedHashMap<>();
  private final Function<String, Dataset<Row>> stored;
  private final Map<String, Dataset<Row>> valid = new LinkedHashMap<>();
  private final List<Dataset<Row>> quarantined = new ArrayList<>();
  /** The table being built: what it reads must be declared in {@link #READS}. */
  private String building;
  private Checked targetsTyped;

  private SilverStage(Map<String, Dataset<Row>> bronze, Set<String> computed,
      Function<String, Dataset<Row>> stored, Map<String, FileChange> byFile) {
    this.bronze = bronze;
    this.computed = computed;
    this.stored = stored;
    this.byFile = byFile;
  }

  /**
   * Valid rows per silver table built (by unqualified name), and the quarantined problems of those
   * tables. A table checked by file has its slices here: the slice values whose rows may differ from the
   * stored ones; the others hold the stored rows.
   */
  public record Result(Map<String, Dataset<Row>> tables, Dataset<Row> quarantine, Map<String, Set<String>> slices) {}

  /** @param bronze bronze rows by unqualified table name (region, plan, plan_target, ...) */
  public static Result build(Map<String, Dataset<Row>> bronze) {
    return build(bronze, READS.keySet(), t -> {
      throw new IllegalStateException("silver." + t + " is built in the same run");
    }, Map.of());
  }

  /**
   * Builds the silver tables in {@code computed} (see {@link #reached}); a table they read that is not
   * built is taken from {@code stored} (the rows it holds, which its unchanged inputs would give again).
   *
   * @param bronze the bronze rows of the tables built, by unqualified name
   * @param byFile the {@link #BY_FILE} tables to check for their changed files only
   */
  public static Result build(Map<String, Dataset<Row>> bronze, Set<String> computed,
      Function<String, Dataset<Row>> stored, Map<String, FileChange> byFile) {
    SilverStage stage = new SilverStage(bronze, computed, stored, byFile);
    for (Builder builder : BUILDERS) {
      if (computed.contains(builder.table())) {
        stage.building = builder.table();
        builder.build().accept(stage);
      }
    }
    Dataset<Row> quarantine = stage.quarantined.stream().reduce(Dataset::unionByName).orElse(null);
    return new Result(stage.valid, quarantine, stage.slices);
  }

  private Checked typed(String table) {
    return typed(table, bronze.get(table));
  }

  /** The plan targets as typed from bronze: read by plan_revision and plan_target, typed once. */
  private Checked typedTargets() {
    if (targetsTyped == null) {
      targetsTyped = typed("plan_target");
    }
    return targetsTyped;
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

  /** The outcome of the rows checked again, beside the stored rows that keep theirs. */
  private void finish(String table, Checked checked, ChangedFiles.Selection selection) {
    if (selection == null) {
      finish(table, checked);
      return;
    }
    TableSchema silver = Schemas.of("silver." + table);
    Checked.Outcome outcome = checked.split(silver);
    valid.put(table, selection.keptValid().unionByName(outcome.valid()));
    quarantined.add(selection.keptQuarantine().unionByName(outcome.quarantine()));
    // One row per slice value (a date), not per row.
    Column slice = col(silver.sliceColumn().orElseThrow()).cast("string");
    Set<String> reached = new java.util.TreeSet<>();
    for (Row r : outcome.valid().select(slice).union(selection.replacedValid().select(slice)).distinct().collectAsList()) {
      reached.add(r.getString(0));
    }
    slices.put(table, reached);
  }

  private Dataset<Row> valid(String table) {
    if (!READS.get(building).contains(table)) {
      throw new IllegalStateException("silver." + building + " reads silver." + table + ", which SilverStage.READS does not list");
    }
    return computed.contains(table) ? valid.get(table) : stored.apply(table);
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

  private void planRevision() {
    // Checked against the values the plan prints, as read: the typed bronze targets, whatever silver keeps of them.
    Checked targets = typedTargets();
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

  private void planTarget() {
    Checked c = typedTargets();
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
    Dataset<Row> rows = bronze.get("observation");
    FileChange change = byFile.get("observation");
    ChangedFiles.Selection selection = null;
    if (change != null) {
      selection = ChangedFiles.select(Schemas.of("silver.observation"), rows, change.files(), change.storedRows(),
          change.storedQuarantine(), r -> typed("observation", withDefaultScope(r)).rows());
      rows = selection.recheck();
    }
    rows = withDefaultScope(rows);
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
    finish("observation", c, selection);
  }

  /** A figure without a statistical scope is as published. */
  private static Dataset<Row> withDefaultScope(Dataset<Row> rows) {
    return rows.withColumn("statistical_scope", coalesce(Typing.raw("statistical_scope"), lit("as_published")));
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
