package org.planwatch.pipeline;

import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.planwatch.bronze.CsvInput;
import org.planwatch.bronze.FileProblem;
import org.planwatch.bronze.InputFile;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.delta.WriteScope;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.gold.CommitmentIndicatorLink;
import org.planwatch.gold.CommitmentScorecard;
import org.planwatch.gold.DistrictCityComparison;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.PlanConsistency;
import org.planwatch.gold.PublishedReconciliation;
import org.planwatch.gold.ReachedDates;
import org.planwatch.gold.RegionScorecard;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.silver.SilverStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly job: datasets -> bronze -> silver -> gold, then the bi views. Each stage hands its rows to the next as
 * local checkpoints: after the MERGE a table holds exactly those rows, re-reading a Delta table costs
 * a state reconstruction per table (the biggest fixed cost of a small run), and a checkpoint cuts the
 * lineage, so gold's many joins are planned over small leaves instead of the whole typing plan.
 */
public final class NightlyRun {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");

  /** The input tables, in the order they are read. */
  public static final List<String> INPUT_TABLES =
      List.of("region", "plan", "indicator", "plan_target", "plan_revision", "observation",
          "published_evaluation", "published_figure", "reconciliation_note", "indicator_crosswalk", "commitment",
          "commitment_link");

  private static final StructType QUARANTINE_ROW =
      StructType.fromDDL("table_name STRING, input_file STRING, input_line BIGINT, field STRING, value STRING, reason STRING, record STRING");

  private final SparkSession spark;
  private final DeltaTables tables;
  private final RunSettings settings;
  private final RunSummary summary = new RunSummary();
  private final List<FileProblem> problems = new ArrayList<>();
  /** The last succeeded run, whose tables this run may keep; null to compute every table. */
  private final PreviousRun previous;
  private InputManifest manifest;
  /** Bronze tables (unqualified) whose rows silver reads from Delta rather than from this run's reading. */
  private final Set<String> readBack = new HashSet<>();

  public NightlyRun(SparkSession spark, DeltaTables tables, RunSettings settings) {
    this(spark, tables, settings, null);
  }

  /**
   * @param previous the last succeeded run (from the run log): a table is kept as that run left it when
   *     nothing it depends on changed since (see {@link #execute}); null computes and compares every table
   */
  public NightlyRun(SparkSession spark, DeltaTables tables, RunSettings settings, PreviousRun previous) {
    this.spark = spark;
    this.tables = tables;
    this.settings = settings;
    this.previous = previous;
  }

  /** What this run read: set once {@link #execute} has listed the inputs. */
  public InputManifest manifest() {
    return manifest;
  }

  /** What the run has written so far: complete after {@link #execute}, partial when it threw. */
  public RunSummary summary() {
    return summary;
  }

  /**
   * Writes every table, or keeps it as the previous run left it when that gives the same rows, which is
   * when the table is still in the state that run left it in (same Delta table id and version) and:
   * <ul>
   *   <li>a bronze table: its input files (paths, sizes, SHA-256), the code and the settings are those
   *       of the previous run;
   *   <li>the silver tables: every bronze table was kept (silver validates tables against each other);
   *   <li>the gold tables: the silver tables were kept, and the evaluation date is the previous run's or
   *       moved over no dated row ({@link #noRowDatedBetween}): a nightly run with the default --as-of
   *       (today) on unchanged inputs keeps them too.
   * </ul>
   * When gold is not kept but only silver.observation's rows changed, the dated gold tables are computed
   * for the dates the change reaches only ({@link #goldFrom}).
   * A kept table is neither read nor written; it appears in the summary with the counts the previous run
   * reported and 0 inserted, updated, deleted.
   */
  public RunSummary execute() {
    Timestamp now = Timestamp.from(Instant.now());
    long start = System.nanoTime();
    // Lists and hashes every input first: a missing required folder stops the run before the first write.
    manifest = InputManifest.of(spark, settings.datasetsRoot());
    Map<String, Dataset<Row>> bronze = bronze(now);
    start = summary.stageDone("bronze", start);
    boolean silverKept = bronze.keySet().stream().allMatch(t -> summary.reused().contains("bronze." + t)) && keepAll("silver");
    boolean goldKept = silverKept && noRowDatedBetween(previous.asOf(), settings.asOf()) && keepAll("gold");
    if (goldKept && !previous.asOf().equals(settings.asOf())) {
      summary.markDatesMovedOver(previous.asOf());
    }
    Map<String, Dataset<Row>> silverTables;
    if (silverKept) {
      silverTables = goldKept ? Map.of() : keptSilver();
    } else {
      silverTables = silver(SilverStage.build(checkpointReadBack(bronze)), now);
    }
    start = summary.stageDone("silver", start);
    if (!goldKept) {
      gold(silverTables);
    }
    start = summary.stageDone("gold", start);
    PublishedViews.create(spark, tables.warehouse(), settings.asOf());
    spark.catalog().clearCache();
    summary.stageDone("publish", start);
    return summary;
  }

  private Map<String, Dataset<Row>> bronze(Timestamp now) {
    CsvInput input = new CsvInput(spark, settings.datasetsRoot());
    Map<String, Dataset<Row>> rows = new LinkedHashMap<>();
    for (String table : INPUT_TABLES) {
      TableSchema schema = Schemas.of("bronze." + table);
      List<InputFile> files = manifest.filesOf(schema.qualifiedName());
      if (sameCodeAndSettings() && asPreviousRunLeftIt(schema)) {
        List<InputFile> before = previous.manifest().filesOf(schema.qualifiedName());
        if (files.equals(before)) {
          // Its rows are what the previous run read from these very files; their file problems still go to quarantine.
          markKept(schema);
          problems.addAll(input.fileProblems(schema));
          summary.addRowsRead(previous.tables().get(schema.qualifiedName()).rows());
          rows.put(table, readBack(schema));
          continue;
        }
        if (schema.sliceColumn().equals(Optional.of("input_file"))) {
          // Sliced by file: only the files added, changed or removed since are read and written.
          Set<String> changed = changedFiles(before, files);
          LOG.info("{}: reading {} of {} files, the others are as run {} read them", schema, changed.size(), files.size(), previous.runId());
          CsvInput.Result read = input.read(schema, now, changed::contains);
          problems.addAll(read.problems());
          WriteResult write = tables.merge(schema, read.rows().localCheckpoint(), WriteScope.only(changed));
          record(write);
          summary.addRowsRead(write.rows());
          rows.put(table, readBack(schema));
          continue;
        }
      }
      CsvInput.Result read = input.read(schema, now, file -> true);
      problems.addAll(read.problems());
      Dataset<Row> bronzeRows = read.rows().localCheckpoint();
      WriteResult write = tables.merge(schema, bronzeRows);
      record(write);
      summary.addRowsRead(write.rows());
      rows.put(table, bronzeRows);
    }
    return rows;
  }

  /** The files (by path) that are in one list and not the other, or in both with another size or content. */
  private static Set<String> changedFiles(List<InputFile> before, List<InputFile> now) {
    Set<String> changed = new TreeSet<>();
    Set<InputFile> same = new HashSet<>(before);
    same.retainAll(now);
    before.stream().filter(f -> !same.contains(f)).forEach(f -> changed.add(f.path()));
    now.stream().filter(f -> !same.contains(f)).forEach(f -> changed.add(f.path()));
    return changed;
  }

  /** A bronze table read from Delta for silver, which checkpoints it once ({@link #checkpointReadBack}). */
  private Dataset<Row> readBack(TableSchema schema) {
    readBack.add(schema.table());
    return spark.read().format("delta").load(tables.warehouse().location(schema));
  }

  private boolean sameCodeAndSettings() {
    return previous != null
        && previous.manifest().codeDigest().equals(manifest.codeDigest())
        && previous.manifest().settingsDigest().equals(manifest.settingsDigest());
  }

  /**
   * Whether the table holds the rows the previous run left in it: the same Delta table (one dropped and
   * created again has a new id), and nobody changed rows since (maintenance such as OPTIMIZE does not).
   */
  private boolean asPreviousRunLeftIt(TableSchema schema) {
    PreviousRun.TableOutcome was = previous == null ? null : previous.tables().get(schema.qualifiedName());
    if (was == null) {
      return false;
    }
    tables.ensure(schema);
    boolean same = tables.rowsAsAt(schema, new DeltaTables.TableState(was.tableId(), was.version()));
    if (!same) {
      LOG.info("{}: changed since run {} left it at version {}; computing it", schema, previous.runId(), was.version());
    }
    return same;
  }

  private void markKept(TableSchema schema) {
    PreviousRun.TableOutcome was = previous.tables().get(schema.qualifiedName());
    summary.add(new WriteResult(schema.qualifiedName(), was.rows(), 0, 0, 0, tables.state(schema).version(), 0, 0, 0));
    summary.markReused(schema.qualifiedName(), previous.runId());
  }

  /**
   * Whether moving the evaluation date from {@code before} to {@code now} reaches no row. Gold depends on
   * the date only through the actuals up to it (silver.observation by period_end) and the evaluations up
   * to it (the gold tables by as_of): when none of these is dated after the earlier date and up to the
   * later one, gold computes the rows it holds. The dates are the slices the tables' digests recorded,
   * so this reads no rows; a table without recorded digests (written by hand) counts as reached.
   */
  private boolean noRowDatedBetween(LocalDate before, LocalDate now) {
    if (before.equals(now)) {
      return true;
    }
    String after = (before.isBefore(now) ? before : now).toString();
    String upTo = (before.isBefore(now) ? now : before).toString();
    List<TableSchema> dated = new ArrayList<>();
    dated.add(Schemas.of("silver.observation"));
    previous.tables().keySet().stream().filter(t -> t.startsWith("gold.")).map(Schemas::of)
        .filter(t -> t.sliceColumn().map(c -> t.field(c).dataType().sameType(DataTypes.DateType)).orElse(false))
        .forEach(dated::add);
    for (TableSchema table : dated) {
      Optional<Set<String>> slices = tables.recordedSlices(table);
      if (slices.isEmpty()) {
        LOG.info("{}: no digests say which dates it holds; computing gold for {}", table, now);
        return false;
      }
      List<String> between = slices.get().stream().filter(d -> d.compareTo(after) > 0 && d.compareTo(upTo) <= 0).toList();
      if (!between.isEmpty()) {
        LOG.info("{}: rows dated {} lie between the evaluation dates {} and {}; computing gold", table,
            between.size() <= 3 ? between : between.size() + " dates", after, upTo);
        return false;
      }
    }
    LOG.info("no actual or evaluation is dated after {} up to {}: gold is the same for {} as for {}", after, upTo, now, before);
    return true;
  }

  /** Keeps every table of the layer that the previous run wrote, or none (checked all before any is kept). */
  private boolean keepAll(String layer) {
    List<TableSchema> layerTables = previous.tables().keySet().stream()
        .filter(t -> t.startsWith(layer + ".")).map(Schemas::of).toList();
    if (layerTables.isEmpty() || !layerTables.stream().allMatch(this::asPreviousRunLeftIt)) {
      return false;
    }
    layerTables.forEach(this::markKept);
    if (layer.equals("silver")) {
      PreviousRun.TableOutcome quarantine = previous.tables().get("silver.quarantine");
      summary.setQuarantined(quarantine == null ? 0 : quarantine.rows());
      previous.tables().values().stream()
          .filter(o -> o.table().startsWith("silver.") && o.rowsQuarantined() != null && o.rowsQuarantined() > 0)
          .forEach(o -> summary.quarantinedByTable().put(o.table().substring("silver.".length()), o.rowsQuarantined()));
    }
    return true;
  }

  /** Bronze tables read back from Delta, read once for the silver stage (which reads each several times). */
  private Map<String, Dataset<Row>> checkpointReadBack(Map<String, Dataset<Row>> bronze) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    bronze.forEach((t, rows) -> out.put(t, readBack.contains(t) ? rows.localCheckpoint() : rows));
    return out;
  }

  /** The kept silver tables, read once from Delta for gold. */
  private Map<String, Dataset<Row>> keptSilver() {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (String t : previous.tables().keySet()) {
      if (t.startsWith("silver.") && !t.equals("silver.quarantine")) {
        out.put(t.substring("silver.".length()),
            spark.read().format("delta").load(tables.warehouse().location(Schemas.of(t))).localCheckpoint());
      }
    }
    return out;
  }

  private Map<String, Dataset<Row>> silver(SilverStage.Result silver, Timestamp now) {
    Map<String, Dataset<Row>> persisted = new LinkedHashMap<>();
    for (Map.Entry<String, Dataset<Row>> e : silver.tables().entrySet()) {
      Dataset<Row> rows = e.getValue().localCheckpoint();
      record(tables.merge(Schemas.of("silver." + e.getKey()), rows));
      persisted.put(e.getKey(), rows);
    }
    TableSchema quarantine = Schemas.of("silver.quarantine");
    List<Row> fileRows = new ArrayList<>();
    for (FileProblem p : problems) {
      fileRows.add(RowFactory.create(p.table(), p.file(), p.line(), p.field(), p.value(), p.reason(), null));
    }
    Dataset<Row> fileProblems = spark.createDataFrame(fileRows, QUARANTINE_ROW);
    Dataset<Row> all = silver.quarantine().unionByName(fileProblems).distinct().withColumn("first_seen_at", lit(now)).localCheckpoint();
    WriteResult write = tables.merge(quarantine, all);
    record(write);
    summary.setQuarantined(write.rows());
    // One row per table: small, whatever the input size (for ops.job_runs).
    for (Row r : all.groupBy("table_name").count().collectAsList()) {
      summary.quarantinedByTable().put(r.getString(0).replaceFirst("^silver\\.", ""), r.getLong(1));
    }
    return persisted;
  }

  /** The gold tables computed from gold.indicator_progress by date; their rows dated d read the evaluations up to d. */
  private static final List<TableSchema> BY_DATE_FROM_PROGRESS =
      List.of(DistrictCityComparison.SCHEMA, PlanConsistency.SCHEMA, RegionScorecard.SCHEMA);

  /** Every gold table, in the order they are written. */
  private static final List<TableSchema> GOLD_TABLES =
      List.of(IndicatorProgress.SCHEMA, DistrictCityComparison.SCHEMA, PlanConsistency.SCHEMA, RegionScorecard.SCHEMA,
          PublishedReconciliation.SCHEMA, CommitmentScorecard.SCHEMA, CommitmentIndicatorLink.SCHEMA);

  private void gold(Map<String, Dataset<Row>> silver) {
    EvaluationSettings evaluation = EvaluationSettings.from(key -> spark.conf().get(key, null));
    Optional<Set<String>> changedActuals = changedActualDatesOnly(silver);
    if (changedActuals.isPresent()) {
      Optional<ReachedDates> reached = ReachedDates.of(changedActuals.get(), previous.asOf(), settings.asOf());
      if (reached.isEmpty()) {
        LOG.info("no actual up to {} changed since run {}: the dated gold tables are kept", settings.asOf(), previous.runId());
        markKept(IndicatorProgress.SCHEMA);
        BY_DATE_FROM_PROGRESS.forEach(this::markKept);
      } else {
        goldFrom(silver, evaluation, reached.get());
      }
    } else {
      goldWhole(silver, evaluation);
    }
    Dataset<Row> allProgress = spark.read().format("delta").load(tables.warehouse().location(IndicatorProgress.SCHEMA));
    // Not by date, and cheap: computed whole (published reconciliation reads actuals of every date).
    record(tables.merge(PublishedReconciliation.SCHEMA, PublishedReconciliation.build(silver, allProgress)));
    record(tables.merge(CommitmentScorecard.SCHEMA, CommitmentScorecard.build(silver)));
    record(tables.merge(CommitmentIndicatorLink.SCHEMA, CommitmentIndicatorLink.build(silver, allProgress, settings.asOf())));
  }

  /** The dated gold tables computed for every date up to the run date. */
  private void goldWhole(Map<String, Dataset<Row>> silver, EvaluationSettings evaluation) {
    Dataset<Row> progress = IndicatorProgress.build(silver, settings.asOf(), evaluation).localCheckpoint();
    // Rows for later dates (from a run with a later --as-of) are left alone.
    WriteScope upToRunDate = WriteScope.upTo(settings.asOf());
    record(tables.merge(IndicatorProgress.SCHEMA, progress, upToRunDate));
    byDateFromProgress(silver, progress, null, upToRunDate);
  }

  /**
   * The dated gold tables computed for the dates a change of actuals reaches ({@link ReachedDates}): the
   * other rows are those the previous run left, which the same silver rows would give again.
   */
  private void goldFrom(Map<String, Dataset<Row>> silver, EvaluationSettings evaluation, ReachedDates reached) {
    String progressAt = tables.warehouse().location(IndicatorProgress.SCHEMA);
    IndicatorProgress.Recomputed progress =
        IndicatorProgress.buildFrom(silver, evaluation, reached, spark.read().format("delta").load(progressAt));
    WriteScope scope = WriteScope.between(progress.from(), settings.asOf()).andSlices(progress.baseDates());
    LOG.info("{}: only actuals changed since run {}; computing {} ({})", IndicatorProgress.SCHEMA, previous.runId(), reached, scope);
    // Checkpointed: the rows kept in the base dates' slices are read from the table the MERGE then writes.
    record(tables.merge(IndicatorProgress.SCHEMA, progress.rows().localCheckpoint(), scope));

    long before = previous.tables().get(IndicatorProgress.SCHEMA.qualifiedName()).version();
    Optional<Set<String>> changedEvaluations = tables.changedSlicesSince(IndicatorProgress.SCHEMA, before);
    Optional<ReachedDates> evaluationsReached = changedEvaluations.flatMap(changed -> ReachedDates.of(changed, previous.asOf(), settings.asOf()));
    if (changedEvaluations.isPresent() && evaluationsReached.isEmpty()) {
      LOG.info("{}: no evaluation up to {} changed; {} kept", IndicatorProgress.SCHEMA, settings.asOf(), BY_DATE_FROM_PROGRESS);
      BY_DATE_FROM_PROGRESS.forEach(this::markKept);
      return;
    }
    Dataset<Row> upToRunDate = spark.read().format("delta").load(progressAt)
        .where(org.apache.spark.sql.functions.col("as_of").leq(lit(java.sql.Date.valueOf(settings.asOf())))).localCheckpoint();
    if (evaluationsReached.isPresent()) {
      LocalDate from = evaluationsReached.get().from();
      byDateFromProgress(silver, upToRunDate, from, WriteScope.between(from, settings.asOf()));
    } else {
      byDateFromProgress(silver, upToRunDate, null, WriteScope.upTo(settings.asOf()));
    }
  }

  /** The gold tables computed by date from gold.indicator_progress, from {@code from} on (null: every date). */
  private void byDateFromProgress(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate from, WriteScope scope) {
    Dataset<Row> comparison = DistrictCityComparison.wide(silver, progress, from).localCheckpoint();
    record(tables.merge(DistrictCityComparison.SCHEMA, comparison.select(DistrictCityComparison.finalColumns(DistrictCityComparison.SCHEMA)), scope));
    record(tables.merge(PlanConsistency.SCHEMA, PlanConsistency.build(silver, comparison), scope));
    record(tables.merge(RegionScorecard.SCHEMA, RegionScorecard.build(silver, progress, from), scope));
  }

  /**
   * The dates of silver.observation whose rows changed since the previous run, when nothing else gold
   * reads changed: the other silver tables, the code and the settings are the same, and every gold table
   * is as that run left it. Empty when gold must be computed whole.
   */
  private Optional<Set<String>> changedActualDatesOnly(Map<String, Dataset<Row>> silver) {
    if (previous == null || !sameCodeAndSettings()
        || !GOLD_TABLES.stream().allMatch(t -> previous.tables().containsKey(t.qualifiedName()) && asPreviousRunLeftIt(t))) {
      return Optional.empty();
    }
    Set<String> dates = Set.of();
    for (String table : silver.keySet()) {
      TableSchema schema = Schemas.of("silver." + table);
      PreviousRun.TableOutcome was = previous.tables().get(schema.qualifiedName());
      if (was == null) {
        return Optional.empty();
      }
      if (summary.reused().contains(schema.qualifiedName())) {
        continue;
      }
      Optional<Set<String>> changed = tables.changedSlicesSince(schema, was.version());
      if (changed.isEmpty() || (!table.equals("observation") && !changed.get().isEmpty())) {
        LOG.info("{}: {} since run {}; computing gold for every date", schema,
            changed.isEmpty() ? "no digests say what changed" : "rows changed", previous.runId());
        return Optional.empty();
      }
      if (table.equals("observation")) {
        dates = changed.get();
      }
    }
    return Optional.of(dates);
  }

  private void record(WriteResult write) {
    summary.add(write);
    LOG.info("{}: {} rows ({} inserted, {} updated, {} deleted) -> version {} in {} ms (ensure {}, difference {}, merge {})",
        write.table(), write.rows(), write.inserted(), write.updated(), write.deleted(), write.version(), write.millis(),
        write.ensureMillis(), write.differenceMillis(), write.mergeMillis());
  }
}
