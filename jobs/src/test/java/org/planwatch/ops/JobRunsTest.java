package org.planwatch.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.pipeline.RunSummary;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * The run log as a scheduler and a statistician read it: one row per run, its outcome, and per table
 * the Delta version that holds exactly what the run wrote.
 */
class JobRunsTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void aRunIsLoggedWhenItStartsAndWhenItEnds_aKilledRunIsFoundByTheNext() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    RunSummary summary = curated.summary();
    // The log goes to a warehouse of its own: the curated one is shared by other tests.
    Path root = TestSpark.temporaryFolder("planwatch-jobruns-");
    Warehouse warehouse = Warehouse.at(root.toString());
    TestWarehouses.use(warehouse);
    JobRuns log = new JobRuns(spark, new DeltaTables(spark, warehouse));

    JobRuns.Run killed = new JobRuns.Run("run-killed", "run", TestWarehouses.MID_TERM, "/data/datasets", Instant.parse("2024-01-01T18:00:00Z"));
    log.started(killed);
    Row running = row("run-killed");
    assertEquals("running", running.getAs("status"));
    assertNull(running.getAs("exit_code"));
    assertNull(running.getAs("ended_at"));
    assertEquals(java.sql.Date.valueOf("2023-12-31"), running.getAs("as_of"));

    JobRuns.Run next = new JobRuns.Run("run-next", "run", TestWarehouses.MID_TERM, "/data/datasets", Instant.parse("2024-01-02T18:00:00Z"));
    assertEquals(1, log.markAbandoned(next));
    Row abandoned = row("run-killed");
    assertEquals("failed", abandoned.getAs("status"));
    assertNull(abandoned.getAs("exit_code"));
    assertEquals("ended without recording an outcome (killed or crashed); found by run run-next", abandoned.getAs("error_message"));

    log.started(next);
    log.finished(next, summary, 0, null);
    Row succeeded = row("run-next");
    assertEquals("succeeded", succeeded.getAs("status"));
    assertEquals(0, (int) succeeded.<Integer>getAs("exit_code"));
    assertNull(succeeded.getAs("error_message"));
    assertEquals(summary.rowsRead(), (long) succeeded.<Long>getAs("rows_read"));
    assertEquals(summary.quarantined(), (long) succeeded.<Long>getAs("rows_quarantined"));

    List<Row> tables = succeeded.getList(succeeded.fieldIndex("tables"));
    assertEquals(summary.writes().size(), tables.size());
    WriteResult bronzeObservation = write(summary, "bronze.observation");
    Row silverObservation = entry(tables, "silver.observation");
    assertEquals(bronzeObservation.rows(), (long) entry(tables, "bronze.observation").<Long>getAs("rows_read"));
    assertEquals(bronzeObservation.rows(), (long) silverObservation.<Long>getAs("rows_read"));
    assertEquals(summary.quarantinedByTable().getOrDefault("observation", 0L), silverObservation.<Long>getAs("rows_quarantined"));
    assertNull(entry(tables, "gold.indicator_progress").getAs("rows_read"));

    // The recorded version reads back exactly the rows the run computed, whatever runs came after.
    Row progress = entry(tables, "gold.indicator_progress");
    String location = curated.warehouse().location("gold", "indicator_progress");
    long rowsAtVersion = spark.sql("SELECT count(*) FROM delta.`" + location + "` VERSION AS OF " + progress.<Long>getAs("version")).first().getLong(0);
    assertEquals((long) progress.<Long>getAs("rows"), rowsAtVersion);
    assertEquals(write(summary, "gold.indicator_progress").version(), (long) progress.<Long>getAs("version"));

    JobRuns.Run missingInput = new JobRuns.Run("run-missing", "run", TestWarehouses.MID_TERM, "/data/elsewhere", Instant.parse("2024-01-03T18:00:00Z"));
    log.started(missingInput);
    log.failedQuietly(missingInput, new RunSummary(), 3, "no input files for bronze.region in /data/elsewhere/regions");
    Row failed = row("run-missing");
    assertEquals("failed", failed.getAs("status"));
    assertEquals(3, (int) failed.<Integer>getAs("exit_code"));
    assertEquals("no input files for bronze.region in /data/elsewhere/regions", failed.getAs("error_message"));
    assertTrue(failed.<java.sql.Timestamp>getAs("ended_at").toInstant().isAfter(missingInput.startedAt()));
    assertEquals(0, failed.getList(failed.fieldIndex("tables")).size());

    assertEquals(List.of("run-killed failed", "run-missing failed", "run-next succeeded"),
        spark.sql("SELECT concat(run_id, ' ', status) FROM ops.job_runs ORDER BY run_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aRunsEndReplacesTheFileItsStartWrote_aMergeFindsTheRowWhenTheLogMovedOn() {
    RunSummary summary = TestWarehouses.curated().summary();
    Warehouse warehouse = Warehouse.at(TestSpark.temporaryFolder("planwatch-jobruns-end-").toString());
    TestWarehouses.use(warehouse);
    DeltaTables tables = new DeltaTables(spark, warehouse);
    JobRuns log = new JobRuns(spark, tables);
    String location = warehouse.location(JobRuns.SCHEMA);

    JobRuns.Run first = new JobRuns.Run("run-first", "run", TestWarehouses.MID_TERM, "/data/datasets", Instant.parse("2024-01-01T18:00:00Z"));
    log.started(first);
    log.finished(first, summary, 0, null);
    // One commit that swaps the started row's file for the completed row's: no scan, no join.
    Row end = lastCommit(location);
    assertEquals("WRITE", end.getAs("operation"));
    assertEquals(Map.of("mode", "Overwrite", "partitionBy", "[]", "predicate", "run_id = 'run-first'"), end.getJavaMap(end.fieldIndex("operationParameters")));
    assertEquals("planwatch: run run-first succeeded", end.getAs("userMetadata"));
    assertEquals(1L, spark.sql("DESCRIBE DETAIL delta.`" + location + "`").first().<Long>getAs("numFiles"));
    assertEquals("succeeded", row("run-first").getAs("status"));
    assertEquals(summary.rowsRead(), (long) row("run-first").<Long>getAs("rows_read"));

    // Another process starts a run between this run's start and its end: the end finds its row by run id.
    JobRuns.Run second = new JobRuns.Run("run-second", "run", TestWarehouses.MID_TERM, "/data/datasets", Instant.parse("2024-01-02T18:00:00Z"));
    log.started(second);
    new JobRuns(spark, tables).started(new JobRuns.Run("run-elsewhere", "maintain", TestWarehouses.MID_TERM, "", Instant.parse("2024-01-02T19:00:00Z")));
    log.finished(second, summary, 0, null);
    assertEquals("MERGE", lastCommit(location).getAs("operation"));
    assertEquals(List.of("run-elsewhere running", "run-first succeeded", "run-second succeeded"),
        spark.sql("SELECT concat(run_id, ' ', status) FROM delta.`" + location + "` ORDER BY run_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  private Row lastCommit(String location) {
    return spark.sql("DESCRIBE HISTORY delta.`" + location + "` LIMIT 1").first();
  }

  private Row row(String runId) {
    List<Row> rows = spark.sql("SELECT * FROM ops.job_runs WHERE run_id = '" + runId + "'").collectAsList();
    assertEquals(1, rows.size(), "rows for " + runId);
    return rows.get(0);
  }

  private static Row entry(List<Row> tables, String name) {
    return tables.stream().filter(t -> name.equals(t.getAs("table_name"))).findFirst().orElseThrow(() -> new AssertionError("no entry for " + name));
  }

  private static WriteResult write(RunSummary summary, String table) {
    return summary.writes().stream().filter(w -> w.table().equals(table)).findFirst().orElseThrow();
  }
}
