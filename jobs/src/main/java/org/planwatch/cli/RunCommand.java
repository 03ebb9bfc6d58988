package org.planwatch.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.ops.JobRuns;
import org.planwatch.ops.RunInputs;
import org.planwatch.pipeline.PreviousRun;
import org.planwatch.spark.Warehouse;
import org.planwatch.ops.WarehouseLock;
import org.planwatch.pipeline.NightlyRun;
import org.planwatch.pipeline.RunSettings;
import org.planwatch.pipeline.RunSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code planwatch run}: the nightly recompute. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Load every dataset and write the bronze, silver and gold Delta tables.")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");

  @Mixin WarehouseOptions warehouse;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
      description = "Evaluation date: actuals after it are ignored. Default: today (Asia/Shanghai).")
  LocalDate asOf;

  @Option(names = "--datasets", paramLabel = "DIR", defaultValue = "${env:PLANWATCH_DATASETS:-datasets}",
      description = "Folder of curated CSV datasets. Default: ./datasets or $PLANWATCH_DATASETS.")
  String datasets;

  @Option(names = "--max-quarantined", paramLabel = "N", defaultValue = "-1",
      description = "Fail with exit code 4 when more than N rows are quarantined. Default: report them, do not fail.")
  long maxQuarantined;

  @Option(names = "--recompute",
      description = "Compute and compare every table. Default: a table whose inputs, code and settings are unchanged"
          + " since the last succeeded run, and which nobody wrote since, is kept as that run left it (see ops.run_inputs).")
  boolean recompute;

  @Option(names = "--wait-for-lock", paramLabel = "SECONDS", defaultValue = "0",
      description = "When another run holds the warehouse, wait up to SECONDS for it. Default: stop at once with exit code 5.")
  long waitForLock;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    // The JVM's own start time: start-up before main (class loading) counts in the total too.
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    LocalDate date = asOf != null ? asOf : LocalDate.now(ZoneId.of("Asia/Shanghai"));
    String datasetsRoot = datasets.contains("://") ? datasets : Path.of(datasets).toAbsolutePath().normalize().toString();
    JobRuns.Run run = new JobRuns.Run(UUID.randomUUID().toString(), "run", date, datasetsRoot, Instant.now());
    WarehouseLock lock;
    try {
      lock = WarehouseLock.acquire(warehouse.warehouse(), Duration.ofSeconds(waitForLock), "planwatch run " + run.runId() + " as of " + date);
    } catch (WarehouseLock.BusyException e) {
      System.err.println("planwatch: " + e.getMessage());
      return ExitCode.BUSY;
    }
    try (lock) {
      SparkSession spark = warehouse.session("planwatch run " + date);
      double sessionSeconds = (System.nanoTime() - start) / 1e9;
      try {
        Outcome outcome = runLogged(spark, warehouse.warehouse(), run, maxQuarantined, recompute, lock.held());
        print(System.out, outcome.summary(), run.asOf(), run.datasets(), (System.nanoTime() - start) / 1e9, sessionSeconds,
            (System.currentTimeMillis() - jvmStart) / 1e3);
        if (outcome.message() != null) {
          System.err.println("planwatch: " + outcome.message());
        }
        return outcome.exitCode();
      } finally {
        spark.stop();
      }
    }
  }

  /** How a run ended: its exit code, what it wrote, and the reason when it did not succeed. */
  public record Outcome(int exitCode, RunSummary summary, String message) {}

  /**
   * The nightly run between its two rows in ops.job_runs (running, then succeeded or failed). Unless
   * {@code recompute}, the last succeeded run's tables are kept where nothing they depend on changed;
   * what this run read goes to ops.run_inputs for the next one.
   *
   * @param exclusive whether the caller holds the warehouse lock (then runs still shown as running are dead)
   */
  public static Outcome runLogged(SparkSession spark, Warehouse warehouse, JobRuns.Run run, long maxQuarantined, boolean recompute,
      boolean exclusive) {
    DeltaTables tables = new DeltaTables(spark, warehouse);
    JobRuns log = new JobRuns(spark, tables);
    RunInputs inputs = new RunInputs(spark, tables);
    if (exclusive) {
      log.markAbandoned(run);
    }
    log.started(run);
    LOG.info("run {} started (ops.job_runs)", run.runId());
    PreviousRun previous = recompute ? null : inputs.lastSucceeded();
    if (previous != null) {
      LOG.info("last succeeded run {} (as of {}): tables it left unchanged are kept where their inputs did not change",
          previous.runId(), previous.asOf());
    }
    NightlyRun nightly = new NightlyRun(spark, tables, new RunSettings(run.datasets(), run.asOf(), maxQuarantined), previous);
    RunSummary summary;
    try {
      summary = nightly.execute();
    } catch (RuntimeException | Error e) {
      log.failedQuietly(run, nightly.summary(), ExitCode.of(e), PlanwatchCli.oneLine(e));
      throw e;
    }
    if (maxQuarantined >= 0 && summary.quarantined() > maxQuarantined) {
      String message = String.format("%d rows quarantined, more than --max-quarantined %d: see silver.quarantine",
          summary.quarantined(), maxQuarantined);
      log.finished(run, summary, ExitCode.TOO_MANY_QUARANTINED, message);
      return new Outcome(ExitCode.TOO_MANY_QUARANTINED, summary, message);
    }
    // Inputs first: a run killed between the two rows stays "running", is marked failed, and is never reused.
    inputs.record(run.runId(), nightly.manifest(), summary);
    LOG.info("run {}: inputs and table states recorded (ops.run_inputs)", run.runId());
    log.finished(run, summary, ExitCode.OK, null);
    LOG.info("run {} succeeded (ops.job_runs)", run.runId());
    return new Outcome(ExitCode.OK, summary, null);
  }

  private void print(PrintStream out, RunSummary summary, LocalDate date, String datasetsRoot, double seconds,
      double sessionSeconds, double sinceJvmStart) {
    out.printf("planwatch run as of %s%n  datasets  %s%n  warehouse %s%n%n", date, datasetsRoot, warehouse.warehouse());
    out.printf("%-40s %9s %9s %9s %9s %8s %8s%n", "table", "rows", "inserted", "updated", "deleted", "version", "ms");
    for (WriteResult w : summary.writes()) {
      String millis = summary.reused().contains(w.table()) ? "kept" : Long.toString(w.millis());
      out.printf("%-40s %9d %9d %9d %9d %8d %8s%n", w.table(), w.rows(), w.inserted(), w.updated(), w.deleted(), w.version(), millis);
    }
    if (!summary.reused().isEmpty()) {
      String moved = summary.datesMovedOver() == null ? "" : "; " + summary.datesMovedOver();
      out.printf("%nkept as run %s left them (inputs, code and settings unchanged%s; --recompute to compare): %d of %d tables%n",
          summary.reusedFrom(), moved, summary.reused().size(), summary.writes().size());
    }
    summary.checkedByFile().forEach((table, files) -> out.printf(
        "%s: the rows of %d changed input files checked again; the other rows keep their outcome%n", table, files.size()));
    out.printf("%nrows read: %d, rows quarantined: %d%s%n", summary.rowsRead(), summary.quarantined(),
        summary.quarantined() > 0 ? " (SELECT * FROM silver.quarantine)" : "");
    StringBuilder stages = new StringBuilder(String.format("session %.1f s", sessionSeconds));
    summary.stageSeconds().forEach((stage, s) -> stages.append(String.format(", %s %.1f s", stage, s)));
    long ensure = summary.writes().stream().mapToLong(WriteResult::ensureMillis).sum();
    long difference = summary.writes().stream().mapToLong(WriteResult::differenceMillis).sum();
    long merge = summary.writes().stream().mapToLong(WriteResult::mergeMillis).sum();
    out.printf("stages: %s%n", stages);
    out.printf("writes: ensure %.1f s, difference %.1f s, merge %.1f s over %d tables%n",
        ensure / 1e3, difference / 1e3, merge / 1e3, summary.writes().size());
    out.printf("done in %.1f s (%.1f s since JVM start)%n", seconds, sinceJvmStart);
  }
}
