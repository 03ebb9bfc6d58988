package org.planwatch.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.cli.RunCommand;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.HeldTables;
import org.planwatch.pipeline.PreviousRun;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestDatasets;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * What a process remembers of the last run it recorded, in memory ({@code planwatch serve}) and in the
 * warehouse folder for the next process: the run the run log gives back, taken without querying the
 * log, for as long as nothing else writes to it.
 */
class LastRunTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void theNextServedRunTakesTheRunThisProcessRecorded_untilTheLogMovesOn() throws Exception {
    Path root = TestDatasets.copyOfFolder(TestWarehouses.curated().root());
    Warehouse warehouse = Warehouse.at(root.toString());
    TestWarehouses.use(warehouse);
    LastRun lastRun = LastRun.acrossRuns();
    JobRuns.Run run = new JobRuns.Run(UUID.randomUUID().toString(), "run", TestWarehouses.MID_TERM, TestSpark.datasets().toString(), Instant.now());
    RunCommand.Outcome outcome = RunCommand.runLogged(spark.newSession(), warehouse, run, -1, false, true, HeldTables.none(), lastRun);
    assertEquals(0, outcome.exitCode(), outcome.message());

    DeltaTables tables = new DeltaTables(spark, warehouse);
    RunInputs inputs = new RunInputs(spark, tables);
    PreviousRun read = inputs.lastSucceeded(LastRun.none());
    PreviousRun remembered = inputs.lastSucceeded(lastRun);
    assertEquals(run.runId(), read.runId());
    assertEquals(33, read.tables().size());
    // Table by table, the run as the log gives it back (ids, versions, rows read, quarantined), not read from it.
    assertEquals(read, remembered);
    assertNotSame(read, remembered);
    assertSame(remembered, inputs.lastSucceeded(lastRun));

    // Another process writes to the log: the remembered run may no longer be the last, so the log is read.
    new JobRuns(spark, tables).started(new JobRuns.Run("elsewhere", "maintain", TestWarehouses.MID_TERM, "", Instant.now()));
    PreviousRun afterWrite = inputs.lastSucceeded(lastRun);
    assertNotSame(remembered, afterWrite);
    assertEquals(read, afterWrite);
    // A single run remembers nothing.
    LastRun none = LastRun.none();
    inputs.remember(none, read);
    assertNotSame(read, inputs.lastSucceeded(none));
  }

  @Test
  void theNextProcessTakesTheRunTheLastOneKeptInTheWarehouse_aFileThatNoLongerFitsIsIgnored() throws Exception {
    Path root = TestDatasets.copyOfFolder(TestWarehouses.curated().root());
    Warehouse warehouse = Warehouse.at(root.toString());
    TestWarehouses.use(warehouse);
    JobRuns.Run run = new JobRuns.Run(UUID.randomUUID().toString(), "run", TestWarehouses.MID_TERM, TestSpark.datasets().toString(), Instant.now());
    RunCommand.Outcome outcome =
        RunCommand.runLogged(spark.newSession(), warehouse, run, -1, false, true, HeldTables.none(), LastRun.acrossProcesses(warehouse));
    assertEquals(0, outcome.exitCode(), outcome.message());
    Path kept = root.resolve(LastRun.FILE_NAME);
    assertTrue(Files.isRegularFile(kept));

    DeltaTables tables = new DeltaTables(spark, warehouse);
    RunInputs inputs = new RunInputs(spark, tables);
    PreviousRun read = inputs.lastSucceeded(LastRun.none());
    // A new process (a new LastRun) takes the run from the file, without a Spark job.
    spark.sparkContext().setJobGroup("last-run-from-file", "", false);
    PreviousRun fromFile = inputs.lastSucceeded(LastRun.acrossProcesses(warehouse));
    spark.sparkContext().clearJobGroup();
    assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup("last-run-from-file").length);
    assertEquals(read, fromFile);
    assertNotSame(read, fromFile);

    // Unreadable: the log is read, as without the file.
    String text = Files.readString(kept);
    Files.writeString(kept, text.substring(0, text.length() / 2));
    assertEquals(read, inputs.lastSucceeded(LastRun.acrossProcesses(warehouse)));
    // Readable but the log moved on since (another process wrote to it): the log is read.
    Files.writeString(kept, text.replace(run.runId(), "a-run-the-log-no-longer-ends-with"));
    assertEquals("a-run-the-log-no-longer-ends-with", inputs.lastSucceeded(LastRun.acrossProcesses(warehouse)).runId());
    new JobRuns(spark, tables).started(new JobRuns.Run("elsewhere", "maintain", TestWarehouses.MID_TERM, "", Instant.now()));
    assertEquals(read, inputs.lastSucceeded(LastRun.acrossProcesses(warehouse)));
  }
}
