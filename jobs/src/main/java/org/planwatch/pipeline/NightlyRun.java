package org.planwatch.pipeline;

import static org.apache.spark.sql.functions.col;
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
import org.planwatch.delta.HeldTables;
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
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;
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
  /** Silver tables' rows held by the process from an earlier run, and for a later one. */
  private final HeldTables held;

  public NightlyRun(SparkSession spark, DeltaTables tables, RunSettings settings) {
    this(spark, tables, settings, null, HeldTables.none());
  }

  /**
   * @param previous the last succeeded run (from the run log): a table is kept as that run left it when
   *     nothing it depends on changed since (see {@link #execute}); null computes and compares every table
   */
  public NightlyRun(SparkSession spark, DeltaTables tables, RunSettings settings, PreviousRun previous) {
    this(spark, tables, settings, previous, HeldTables.none());
  }

  /**
   * @param held silver tables' rows by Delta version, which a serving process holds from one run to the
   *     next: a kept table held at its current version is not read from Delta
   */
  public NightlyRun(SparkSession spark, DeltaTables tables, RunSettings settings, PreviousRun previous, HeldTables held) {
    this.spark = spark;
    this.tables = tables;
    this.settings = settings;
    this.previous = previous;
    this.held = held;
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
   *   <li>a silver table: the bronze tables it is built from were kept, and so was every silver table it
   *       reads ({@link #silverReached});
   *   <li>the gold tables: the silver tables were kept, and the evaluation date is the previous run's or
   *       moved over no dated row ({@link #noRowDatedBetween}): a nightly run with the default --as-of
   *       (today) on unchanged inputs keeps them too; gold.commitment_scorecard, which reads the
   *       departments' commitments only, whenever those were kept.
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
    Set<String> silverReached = silverReached();
    boolean silverKept = silverReached.isEmpty();
    boolean goldKept = silverKept && noRowDatedBetween(previous.asOf(), settings.asOf()) && keepAll("gold");
    if (goldKept && !previous.asOf().equals(settings.asOf())) {
      summary.markDatesMovedOver(previous.asOf());
    }
    Map<String, Dataset<Row>> silverTables;
    if (silverKept) {
      silverTables = goldKept ? Map.of() : keptSilver(Set.of(), new java.util.HashMap<>());
      logTakenFromHeld();
    } else {
      silverTables = silver(silverReached, bronze, now);
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
          changedFilesOf.put(table, changed);
          LOG.info("{}: reading {} of {} files, the others are as run {} read them", schema, changed.size(), files.size(), previous.runId());
          CsvInput.Result read = input.read(schema, now, changed::contains);
          problems.addAll(read.problems());
          WriteResult write = tables.merge(schema, read.rows().transform(HeldRows::of), WriteScope.only(changed));
          record(write);
          summary.addRowsRead(write.rows());
          rows.put(table, readBack(schema));
          continue;
        }
      }
      CsvInput.Result read = input.read(schema, now, file -> true);
      problems.addAll(read.problems());
      Dataset<Row> bronzeRows = read.rows().transform(HeldRows::of);
      WriteResult write = tables.merge(schema, bronzeRows);
      record(write);
      summary.addRowsRead(write.rows());
      rows.put(table, bronzeRows);
    }
    return rows;
  }

  /** Bronze tables (unqualified) written for their changed files only, with those files. */
  private final Map<String, Set<String>> changedFilesOf = new java.util.HashMap<>();

  /** The files (by path) that are in one list and not the other, or in both with another size or content. */
  private static Set<String> changedFiles(List<InputFile> before, List<InputFile> now) {
    Set<String> changed = new TreeSet<>();
    Set<InputFile> same = new HashSet<>(before);
    same.retainAll(now);
    before.stream().filter(f -> !same.contains(f)).forEach(f -> changed.add(f.path()));
    now.stream().filter(f -> !same.contains(f)).forEach(f -> changed.add(f.path()));
    return changed;
  }

  /** A bronze table read from Delta for silver, which checkpoints it once when a silver table it feeds is computed. */
  private Dataset<Row> readBack(TableSchema schema) {
    readBack.add(schema.table());
    return readAsIs(schema);
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
    // Asked before the run writes the table: what its write changes is then what changed since that run.
    leftAsPreviousRun.putIfAbsent(schema.qualifiedName(), same);
    return same;
  }

  private void markKept(TableSchema schema) {
    PreviousRun.TableOutcome was = previous.tables().get(schema.qualifiedName());
    summary.add(WriteResult.kept(schema.qualifiedName(), was.rows(), tables.state(schema).version()));
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
    return true;
  }

  /**
   * The silver tables this run computes, in build order: every one without a previous run to keep from
   * (or with other code or settings); else those a change reaches ({@link SilverStage#reached}): whose
   * bronze rows changed, which are not as that run left them, or which read a table reached. The others
   * are kept. silver.quarantine holds every table's problems: when it is not as that run left it, every
   * table is computed.
   */
  private Set<String> silverReached() {
    Set<String> all = new java.util.LinkedHashSet<>(SilverStage.READS.keySet());
    TableSchema quarantine = Schemas.of("silver.quarantine");
    if (previous == null || !sameCodeAndSettings() || !asPreviousRunLeftIt(quarantine)) {
      return all;
    }
    Set<String> bronzeChanged = new HashSet<>();
    INPUT_TABLES.stream().filter(t -> !summary.reused().contains("bronze." + t)).forEach(bronzeChanged::add);
    Set<String> reached = SilverStage.reached(bronzeChanged, t -> asPreviousRunLeftIt(Schemas.of("silver." + t)));
    if (reached.isEmpty()) {
      all.forEach(t -> markKept(Schemas.of("silver." + t)));
      markKept(quarantine);
      summary.setQuarantined(previous.tables().get(quarantine.qualifiedName()).rows());
      previous.tables().values().stream()
          .filter(o -> o.table().startsWith("silver.") && o.rowsQuarantined() != null && o.rowsQuarantined() > 0)
          .forEach(o -> summary.quarantinedByTable().put(o.table().substring("silver.".length()), o.rowsQuarantined()));
    } else if (reached.size() < all.size()) {
      LOG.info("silver: computing {}, which a change reaches; the other {} tables are as run {} left them", reached,
          all.size() - reached.size(), previous.runId());
    }
    return reached;
  }

  /**
   * The {@link SilverStage#BY_FILE} tables among {@code computed} to check for their changed files only:
   * their bronze table was written for its changed files, they are as the previous run left them (and so
   * is silver.quarantine), nothing else they read is computed, and the changed files are less than half
   * of the table's bytes (beyond that, checking every row costs less than sorting out which to keep).
   */
  private Map<String, SilverStage.FileChange> byFile(Set<String> computed) {
    Map<String, SilverStage.FileChange> out = new java.util.HashMap<>();
    for (String table : SilverStage.BY_FILE) {
      Set<String> files = changedFilesOf.get(table);
      String silverTable = "silver." + table;
      if (files == null || !computed.contains(table) || !leftAsPreviousRun.getOrDefault(silverTable, false)
          || SilverStage.READS.get(table).stream().anyMatch(computed::contains)) {
        continue;
      }
      String bronzeTable = "bronze." + table;
      long changedBytes = java.util.stream.Stream.concat(manifest.filesOf(bronzeTable).stream(), previous.manifest().filesOf(bronzeTable).stream())
          .filter(f -> files.contains(f.path())).mapToLong(InputFile::sizeBytes).sum();
      long allBytes = manifest.filesOf(bronzeTable).stream().mapToLong(InputFile::sizeBytes).sum();
      if (changedBytes * 2 > allBytes) {
        continue;
      }
      LOG.info("{}: checking the rows of {} changed files again; the other rows keep their outcome", silverTable, files.size());
      summary.markCheckedByFile(silverTable, files);
      out.put(table, new SilverStage.FileChange(files, readAsIs(Schemas.of(silverTable)), readAsIs(Schemas.of("silver.quarantine"))));
    }
    return out;
  }

  private Dataset<Row> readAsIs(TableSchema table) {
    return spark.read().format("delta").load(tables.warehouse().location(table));
  }

  /** Whether a table was as the previous run left it before this run wrote it, for the tables asked. */
  private final Map<String, Boolean> leftAsPreviousRun = new java.util.HashMap<>();

  /**
   * A silver table kept as the previous run left it, read once (gold reads each several times): from the
   * rows the process holds when it holds them at the table's current version, else from Delta.
   */
  private Dataset<Row> readKept(String table) {
    TableSchema schema = Schemas.of("silver." + table);
    tables.ensure(schema);
    DeltaTables.TableState state = tables.state(schema);
    Optional<Dataset<Row>> rows = held.rowsAt(spark, schema, state);
    if (rows.isPresent()) {
      summary.markTakenFromHeld(schema.qualifiedName());
      return rows.get();
    }
    return readAndHold(schema, state);
  }

  /**
   * The table read from Delta and checkpointed; held when no commit came after {@code before}, the state
   * looked up just before (the version the rows are then known to be).
   */
  private Dataset<Row> readAndHold(TableSchema schema, DeltaTables.TableState before) {
    Dataset<Row> rows = readAsIs(schema).transform(HeldRows::of);
    return before.equals(tables.state(schema)) ? held.hold(schema, before, rows) : rows;
  }

  private void logTakenFromHeld() {
    if (!summary.takenFromHeld().isEmpty()) {
      LOG.info("{} kept silver tables taken from the rows this process holds at their current versions, not read from Delta: {}",
          summary.takenFromHeld().size(), summary.takenFromHeld());
    }
  }

  /** The kept silver tables, all but {@code computed}, read once for gold ({@link #readKept}, or taken from {@code read}). */
  private Map<String, Dataset<Row>> keptSilver(Set<String> computed, Map<String, Dataset<Row>> read) {
    Map<String, Dataset<Row>> out = new LinkedHashMap<>();
    for (String t : SilverStage.READS.keySet()) {
      if (!computed.contains(t)) {
        out.put(t, read.computeIfAbsent(t, this::readKept));
      }
    }
    return out;
  }

  /**
   * Computes the silver tables {@code computed} from their bronze rows, reading the kept tables they
   * refer to from Delta, and silver.quarantine: the problems of the tables computed, the file problems
   * of every input, and the rows the kept tables had. Returns every silver table, for gold.
   */
  private Map<String, Dataset<Row>> silver(Set<String> computed, Map<String, Dataset<Row>> bronze, Timestamp now) {
    Map<String, Dataset<Row>> kept = new java.util.HashMap<>();
    Map<String, SilverStage.FileChange> byFile = byFile(computed);
    Map<String, Dataset<Row>> bronzeRows = new LinkedHashMap<>();
    for (String t : computed) {
      for (String b : SilverStage.bronzeReads(t)) {
        // Read back from Delta: read once for the silver stage, which reads each several times; checked
        // by file, only the changed files' rows and a few others are read, through the table's file stats.
        bronzeRows.computeIfAbsent(b, k -> readBack.contains(k) && !byFile.containsKey(k) ? bronze.get(k).transform(HeldRows::of) : bronze.get(k));
      }
    }
    SilverStage.Result silver = SilverStage.build(bronzeRows, computed, t -> kept.computeIfAbsent(t, this::readKept), byFile);
    Map<String, Dataset<Row>> persisted = new LinkedHashMap<>();
    for (String table : SilverStage.READS.keySet()) {
      TableSchema schema = Schemas.of("silver." + table);
      if (!computed.contains(table)) {
        markKept(schema);
        continue;
      }
      Set<String> slices = silver.slices().get(table);
      if (slices == null) {
        Dataset<Row> rows = silver.tables().get(table).transform(HeldRows::of);
        record(tables.merge(schema, rows));
        persisted.put(table, held.holdWritten(schema, tables.state(schema), rows));
      } else {
        // Checked by file: only the slices the changed rows reach are computed and given to the write.
        WriteScope reached = WriteScope.only(slices);
        record(tables.merge(schema, reached.rowsOf(silver.tables().get(table), schema), reached));
        // Not read back whole: a night that computes gold from a new quarter reads only the open plans'
        // periods (Delta skips the files of earlier ones); one that computes gold whole holds it first.
        persisted.put(table, readAsIs(schema));
        readLazily.add(table);
      }
    }
    TableSchema quarantine = Schemas.of("silver.quarantine");
    List<Row> fileRows = new ArrayList<>();
    for (FileProblem p : problems) {
      fileRows.add(RowFactory.create(p.table(), p.file(), p.line(), p.field(), p.value(), p.reason(), null));
    }
    Dataset<Row> found = spark.createDataFrame(fileRows, QUARANTINE_ROW);
    if (silver.quarantine() != null) {
      found = silver.quarantine().unionByName(found);
    }
    Dataset<Row> all = found.distinct().withColumn("first_seen_at", lit(now));
    if (computed.size() < SilverStage.READS.size()) {
      // The kept tables' problems as they are; every input's file problems were found again above.
      Dataset<Row> stored = readAsIs(quarantine);
      all = all.unionByName(stored.where(org.apache.spark.sql.functions.not(
          col("table_name").isin(computed.toArray()).or(col("field").isin(FileProblem.FILE_FIELDS.toArray())))));
    }
    all = all.transform(HeldRows::of);
    WriteResult write = tables.merge(quarantine, all);
    record(write);
    summary.setQuarantined(write.rows());
    // One row per table: small, whatever the input size (for ops.job_runs).
    for (Row r : all.groupBy("table_name").count().collectAsList()) {
      summary.quarantinedByTable().put(r.getString(0).replaceFirst("^silver\\.", ""), r.getLong(1));
    }
    persisted.putAll(keptSilver(persisted.keySet(), kept));
    logTakenFromHeld();
    return persisted;
  }

  /** The silver tables {@link #silver} gave to gold as a plain read of their Delta table, not checkpointed. */
  private final Set<String> readLazily = new HashSet<>();

  /** Replaces in {@code silver} the tables read lazily by their rows checkpointed: for gold computed whole, which reads each several times. */
  private void holdLazilyRead(Map<String, Dataset<Row>> silver) {
    for (String table : readLazily) {
      silver.computeIfPresent(table, (t, rows) -> rows.transform(HeldRows::of));
    }
    readLazily.clear();
  }

  /** The gold tables computed from gold.indicator_progress by date; their rows dated d read the evaluations up to d. */
  private static final List<TableSchema> BY_DATE_FROM_PROGRESS =
      List.of(DistrictCityComparison.SCHEMA, PlanConsistency.SCHEMA, RegionScorecard.SCHEMA);

  /**
   * The columns of gold.indicator_progress those tables read (plan consistency reads the comparison). A
   * night reads them back for a million targets' latest evaluations: about a third of the table's columns.
   */
  private static final List<String> READ_BY_DATE_FROM_PROGRESS =
      java.util.stream.Stream.of(DistrictCityComparison.PROGRESS_COLUMNS, RegionScorecard.PROGRESS_COLUMNS)
          .flatMap(List::stream).distinct().toList();

  /** Every gold table, in the order they are written. */
  private static final List<TableSchema> GOLD_TABLES = java.util.stream.Stream.of(
      List.of(IndicatorProgress.SCHEMA), BY_DATE_FROM_PROGRESS,
      List.of(PublishedReconciliation.SCHEMA, CommitmentScorecard.SCHEMA, CommitmentIndicatorLink.SCHEMA)).flatMap(List::stream).toList();

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
      holdLazilyRead(silver);
      goldWhole(silver, evaluation);
    }
    Dataset<Row> allProgress = readAsIs(IndicatorProgress.SCHEMA);
    // Not by date, and cheap: computed whole (published reconciliation reads actuals of every date).
    record(tables.merge(PublishedReconciliation.SCHEMA, PublishedReconciliation.build(silver, allProgress)));
    if (keptWithWhatItReads(CommitmentScorecard.SCHEMA, CommitmentScorecard.READS)) {
      LOG.info("{}: silver.{} kept: kept as run {} left it", CommitmentScorecard.SCHEMA, CommitmentScorecard.READS, previous.runId());
      markKept(CommitmentScorecard.SCHEMA);
    } else {
      record(tables.merge(CommitmentScorecard.SCHEMA, CommitmentScorecard.build(silver)));
    }
    record(tables.merge(CommitmentIndicatorLink.SCHEMA, CommitmentIndicatorLink.build(silver, allProgress, settings.asOf())));
  }

  /**
   * Whether a gold table that reads only {@code silverReads}, and not the evaluation date, is kept: this run
   * kept those silver tables, the code and settings are the previous run's, and the table is as it left it.
   */
  private boolean keptWithWhatItReads(TableSchema table, List<String> silverReads) {
    return sameCodeAndSettings() && previous.tables().containsKey(table.qualifiedName())
        && silverReads.stream().allMatch(t -> summary.reused().contains("silver." + t))
        && asPreviousRunLeftIt(table);
  }

  /** The dated gold tables computed for every date up to the run date. */
  private void goldWhole(Map<String, Dataset<Row>> silver, EvaluationSettings evaluation) {
    Dataset<Row> progress = IndicatorProgress.build(silver, settings.asOf(), evaluation).transform(HeldRows::of);
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
    IndicatorProgress.Recomputed progress = IndicatorProgress.buildFrom(silver, evaluation, reached, readAsIs(IndicatorProgress.SCHEMA));
    WriteScope scope = WriteScope.between(progress.from(), settings.asOf()).andSlices(progress.baseDates());
    LOG.info("{}: only actuals changed since run {}; computing {} ({})", IndicatorProgress.SCHEMA, previous.runId(), reached, scope);
    // Checkpointed: the rows kept in the base dates' slices are read from the table the MERGE then writes.
    record(tables.merge(IndicatorProgress.SCHEMA, progress.rows().transform(HeldRows::of), scope));

    long before = previous.tables().get(IndicatorProgress.SCHEMA.qualifiedName()).version();
    Optional<Set<String>> changedEvaluations = changedSince(IndicatorProgress.SCHEMA, before);
    Optional<ReachedDates> evaluationsReached = changedEvaluations.flatMap(changed -> ReachedDates.of(changed, previous.asOf(), settings.asOf()));
    if (changedEvaluations.isPresent() && evaluationsReached.isEmpty()) {
      LOG.info("{}: no evaluation up to {} changed; {} kept", IndicatorProgress.SCHEMA, settings.asOf(), BY_DATE_FROM_PROGRESS);
      BY_DATE_FROM_PROGRESS.forEach(this::markKept);
      return;
    }
    Dataset<Row> upToRunDate = readAsIs(IndicatorProgress.SCHEMA).where(col("as_of").leq(lit(java.sql.Date.valueOf(settings.asOf()))))
        .select(Columns.of(READ_BY_DATE_FROM_PROGRESS));
    if (evaluationsReached.isPresent()) {
      LocalDate from = evaluationsReached.get().from();
      byDateFromProgress(silver, ReachedDates.evaluationsReadFrom(upToRunDate, from, silver).transform(HeldRows::of), from,
          WriteScope.between(from, settings.asOf()));
    } else {
      byDateFromProgress(silver, upToRunDate.transform(HeldRows::of), null, WriteScope.upTo(settings.asOf()));
    }
  }

  /** The gold tables computed by date from gold.indicator_progress, from {@code from} on (null: every date). */
  private void byDateFromProgress(Map<String, Dataset<Row>> silver, Dataset<Row> progress, LocalDate from, WriteScope scope) {
    Dataset<Row> comparison = DistrictCityComparison.wide(silver, progress, from).transform(HeldRows::of);
    record(tables.merge(DistrictCityComparison.SCHEMA, DistrictCityComparison.finished(comparison), scope));
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
      Optional<Set<String>> changed = changedSince(schema, was.version());
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

  /**
   * The slices of a table written tonight whose rows differ from those at {@code version}, the version the
   * previous run left: from tonight's write when the table was still at that state before it (its digests
   * tell what it changed), else from the digests in the table's history; empty when neither tells.
   */
  private Optional<Set<String>> changedSince(TableSchema table, long version) {
    Optional<Set<String>> written = leftAsPreviousRun.getOrDefault(table.qualifiedName(), false)
        ? summary.writes().stream().filter(w -> w.table().equals(table.qualifiedName())).findFirst().flatMap(WriteResult::changedSlices)
        : Optional.empty();
    return written.isPresent() ? written : tables.changedSlicesSince(table, version);
  }

  private void record(WriteResult write) {
    summary.add(write);
    LOG.info("{}: {} rows ({} inserted, {} updated, {} deleted) -> version {} in {} ms (ensure {}, difference {}, merge {})",
        write.table(), write.rows(), write.inserted(), write.updated(), write.deleted(), write.version(), write.millis(),
        write.ensureMillis(), write.differenceMillis(), write.mergeMillis());
  }
}
