package org.planwatch.ops;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;
import org.planwatch.bronze.InputFile;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.pipeline.InputManifest;
import org.planwatch.pipeline.PreviousRun;
import org.planwatch.pipeline.RunSummary;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;

/**
 * {@code ops.run_inputs}: per run, what it read ({@link InputManifest}) and the state it left each table
 * in. With {@code ops.job_runs} it tells the next run which tables it may keep.
 */
public final class RunInputs {
  public static final TableSchema SCHEMA = Schemas.of("ops.run_inputs");
  /** The elements of ops.run_inputs.tables and ops.job_runs.tables, read by position. */
  private static final StructType STATE = elementOf(SCHEMA, "tables");
  private static final StructType OUTCOME = elementOf(JobRuns.SCHEMA, "tables");

  private final SparkSession spark;
  private final DeltaTables tables;

  public RunInputs(SparkSession spark, DeltaTables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  /**
   * Records what {@code run} read and the state of every table it wrote or kept. Call before the run is
   * marked succeeded: a run killed in between is marked failed by the next one, and never reused.
   *
   * @return the run as {@link #lastSucceeded} reads it back once the run log says it succeeded
   */
  public PreviousRun record(JobRuns.Run run, InputManifest manifest, RunSummary summary) {
    List<Row> files = new ArrayList<>();
    for (InputFile f : manifest.files()) {
      files.add(RowFactory.create(f.table(), f.path(), f.sizeBytes(), f.sha256()));
    }
    List<Row> states = new ArrayList<>();
    for (WriteResult w : summary.writes()) {
      DeltaTables.TableState state = tables.state(Schemas.of(w.table()));
      states.add(RowFactory.create(w.table(), state.tableId(), state.version(), summary.reused().contains(w.table())));
    }
    Row row = RowFactory.create(run.runId(), manifest.codeDigest(), manifest.settingsDigest(), files, states);
    tables.ensure(SCHEMA);
    spark.createDataFrame(List.of(row), SCHEMA.columns()).write().format("delta").mode("append")
        .save(tables.warehouse().location(SCHEMA));
    return new PreviousRun(run.runId(), run.asOf(), manifest, byTable(states, JobRuns.perTable(summary)));
  }

  /** Remembers in {@code lastRun} a run {@link #record}ed and then marked succeeded, with the logs' states its writes left. */
  public void remember(LastRun lastRun, PreviousRun recorded) {
    lastRun.remember(recorded, () -> tables.state(JobRuns.SCHEMA), () -> tables.state(SCHEMA));
  }

  /**
   * The last succeeded {@code run} that recorded its inputs, or null when there is none: the one
   * {@code lastRun} remembers while the logs are as it left them, else read from the logs.
   */
  public PreviousRun lastSucceeded(LastRun lastRun) {
    String log = tables.warehouse().location(JobRuns.SCHEMA);
    String inputs = tables.warehouse().location(SCHEMA);
    if (!DeltaTable.isDeltaTable(spark, log) || !DeltaTable.isDeltaTable(spark, inputs)) {
      return null;
    }
    Optional<PreviousRun> remembered = lastRun.at(() -> tables.state(JobRuns.SCHEMA), () -> tables.state(SCHEMA));
    if (remembered.isPresent()) {
      return remembered.get();
    }
    List<Row> last = spark.sql("SELECT j.run_id, j.as_of, j.tables AS outcomes, i.code_digest, i.settings_digest, i.files,"
        + " i.tables AS states FROM delta.`" + log + "` j JOIN delta.`" + inputs + "` i ON i.run_id = j.run_id"
        + " WHERE j.status = '" + JobRuns.SUCCEEDED + "' AND j.command = 'run' ORDER BY j.ended_at DESC LIMIT 1").collectAsList();
    if (last.isEmpty()) {
      return null;
    }
    Row r = last.get(0);
    List<InputFile> files = new ArrayList<>();
    for (Row f : r.<Row>getList(r.fieldIndex("files"))) {
      files.add(new InputFile(f.getString(0), f.getString(1), f.getLong(2), f.getString(3)));
    }
    InputManifest manifest = new InputManifest(files, r.getAs("code_digest"), r.getAs("settings_digest"));
    return new PreviousRun(r.getAs("run_id"), r.getDate(r.fieldIndex("as_of")).toLocalDate(), manifest,
        byTable(r.getList(r.fieldIndex("states")), r.getList(r.fieldIndex("outcomes"))));
  }

  /**
   * Each table's outcome from the run's rows of ops.run_inputs.tables ({@code states}) and
   * ops.job_runs.tables ({@code outcomes}), read by position: the rows as written or as read back.
   */
  private static Map<String, PreviousRun.TableOutcome> byTable(List<Row> states, List<Row> outcomes) {
    Map<String, Row> outcomeOf = new LinkedHashMap<>();
    for (Row o : outcomes) {
      outcomeOf.put(o.getString(OUTCOME.fieldIndex("table_name")), o);
    }
    Map<String, PreviousRun.TableOutcome> byTable = new LinkedHashMap<>();
    for (Row s : states) {
      String table = s.getString(STATE.fieldIndex("table_name"));
      Row o = outcomeOf.get(table);
      if (o != null) {
        byTable.put(table, new PreviousRun.TableOutcome(table, s.getString(STATE.fieldIndex("delta_table_id")),
            s.getLong(STATE.fieldIndex("version")), o.getLong(OUTCOME.fieldIndex("rows")),
            (Long) o.get(OUTCOME.fieldIndex("rows_read")), (Long) o.get(OUTCOME.fieldIndex("rows_quarantined"))));
      }
    }
    return byTable;
  }

  private static StructType elementOf(TableSchema table, String arrayColumn) {
    return (StructType) ((ArrayType) table.columns().apply(arrayColumn).dataType()).elementType();
  }
}
