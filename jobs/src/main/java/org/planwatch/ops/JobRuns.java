package org.planwatch.ops;

import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.MarkedAppend;
import org.planwatch.delta.WriteResult;
import org.planwatch.pipeline.RunSummary;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run log {@code ops.job_runs}: a row when a run starts (status running) that the end of the run
 * completes (succeeded or failed, exit code, rows and versions per table, error). Each write is one
 * Delta commit of that one row (an append, then the same row completed: in place of the file the append
 * wrote when nothing came since, else by a MERGE on the run id), so the log never holds a half-written row.
 */
public final class JobRuns {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");
  public static final TableSchema SCHEMA = Schemas.of("ops.job_runs");

  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  private final SparkSession spark;
  private final DeltaTables tables;
  /** The append of each run this process started, by run id, until the run's end replaces it. */
  private final Map<String, MarkedAppend> started = new HashMap<>();

  /** What identifies a run in the log. */
  public record Run(String runId, String command, LocalDate asOf, String datasets, Instant startedAt) {}

  public JobRuns(SparkSession spark, DeltaTables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  public void started(Run run) {
    write(run, null, RUNNING, null, null, null);
  }

  /** The end of a run that completed its writes: exit code 0, or 4 when too many rows were quarantined. */
  public void finished(Run run, RunSummary summary, int exitCode, String message) {
    write(run, summary, exitCode == 0 ? SUCCEEDED : FAILED, exitCode, message, Instant.now());
  }

  /**
   * The end of a run that threw: records what it had written so far. Never throws, so the original
   * error is what the caller reports (the log may be what broke).
   */
  public void failedQuietly(Run run, RunSummary partial, int exitCode, String message) {
    try {
      write(run, partial, FAILED, exitCode, message, Instant.now());
    } catch (RuntimeException e) {
      LOG.warn("could not record the failure of run {} in {}: {}", run.runId(), SCHEMA, e.getMessage());
    }
  }

  /**
   * Marks runs still shown as running as failed: a run that was killed (kill -9, lost node) cannot
   * record its end. Only call this while holding the warehouse lock, which proves those runs dead.
   *
   * @return how many runs were marked
   */
  public long markAbandoned(Run current) {
    tables.ensure(SCHEMA);
    DeltaTable log = DeltaTable.forPath(spark, tables.warehouse().location(SCHEMA));
    String condition = "status = '" + RUNNING + "' AND run_id <> '" + current.runId() + "'";
    long abandoned = log.toDF().where(condition).count();
    if (abandoned > 0) {
      Map<String, String> set = new HashMap<>();
      set.put("status", "'" + FAILED + "'");
      set.put("error_message", "'ended without recording an outcome (killed or crashed); found by run " + current.runId() + "'");
      log.updateExpr(condition, set);
      LOG.warn("{}: {} earlier run(s) ended without recording an outcome (killed?): marked failed", SCHEMA, abandoned);
    }
    return abandoned;
  }

  private void write(Run run, RunSummary summary, String status, Integer exitCode, String message, Instant endedAt) {
    Row row =
        RowFactory.create(
            run.runId(),
            run.command(),
            Date.valueOf(run.asOf()),
            run.datasets(),
            Timestamp.from(run.startedAt()),
            endedAt == null ? null : Timestamp.from(endedAt),
            status,
            exitCode,
            summary == null ? null : summary.rowsRead(),
            summary == null ? null : summary.quarantined(),
            summary == null ? null : summary.writes().stream().mapToLong(w -> w.inserted() + w.updated() + w.deleted()).sum(),
            summary == null ? null : perTable(summary),
            message,
            host(),
            spark.sparkContext().applicationId());
    Dataset<Row> source = spark.createDataFrame(List.of(row), SCHEMA.columns());
    tables.ensure(SCHEMA);
    String location = tables.warehouse().location(SCHEMA);
    if (RUNNING.equals(status)) {
      // A new run id: one append, no join (the log's writes must stay cheap next to the run).
      started.put(run.runId(), MarkedAppend.write(spark, location, source, marker(run, status)));
      return;
    }
    // The end of a run this process started: its row replaced in the file its start wrote, while nothing came since.
    MarkedAppend start = started.remove(run.runId());
    if (start == null || !start.replaceWith(spark, source, "run_id = '" + run.runId() + "'", marker(run, status))) {
      Map<String, String> all = new LinkedHashMap<>();
      SCHEMA.columnNames().forEach(c -> all.put(c, "s." + c));
      DeltaTable.forPath(spark, location).as("t").merge(source.as("s"), "t.run_id = s.run_id")
          .whenMatched().updateExpr(all).whenNotMatched().insertExpr(all).execute();
    }
  }

  /** The user metadata of the run's commits to the log, as DESCRIBE HISTORY shows it: "planwatch: run <id> started", then "... succeeded". */
  private static String marker(Run run, String status) {
    return "planwatch: run " + run.runId() + " " + (RUNNING.equals(status) ? "started" : status);
  }

  /** The rows of the run's {@code tables} column, in the order written. */
  static List<Row> perTable(RunSummary summary) {
    Map<String, Long> bronzeRows = new HashMap<>();
    for (WriteResult w : summary.writes()) {
      if (w.table().startsWith("bronze.")) {
        bronzeRows.put(w.table().substring("bronze.".length()), w.rows());
      }
    }
    List<Row> out = new ArrayList<>();
    for (WriteResult w : summary.writes()) {
      String layer = w.table().substring(0, w.table().indexOf('.'));
      String name = w.table().substring(w.table().indexOf('.') + 1);
      Long read = switch (layer) {
        case "bronze" -> w.rows();
        case "silver" -> bronzeRows.get(name);
        default -> null;
      };
      Long quarantined = layer.equals("silver") && bronzeRows.containsKey(name)
          ? summary.quarantinedByTable().getOrDefault(name, 0L) : null;
      out.add(RowFactory.create(w.table(), read, quarantined, w.rows(), w.inserted(), w.updated(), w.deleted(), w.version()));
    }
    return out;
  }

  private static String host() {
    return WarehouseLock.hostName() + " pid " + ProcessHandle.current().pid();
  }
}
