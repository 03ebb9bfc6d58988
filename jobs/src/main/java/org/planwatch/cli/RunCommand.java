package org.planwatch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.HeldTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.ops.JobRuns;
import org.planwatch.ops.LastRun;
import org.planwatch.ops.RunInputs;
import org.planwatch.pipeline.InputManifest;
import org.planwatch.pipeline.PreviousRun;
import org.planwatch.serve.RunService;
import org.planwatch.serve.StoppedRuns;
import org.planwatch.spark.MetastoreMode;
import org.planwatch.spark.Warehouse;
import scala.collection.JavaConverters;
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

  @Option(names = "--local",
      description = "Run in this process even when planwatch serve serves this warehouse. Default: the serving process"
          + " runs it (warm JVM and Spark session; docs/operations.md, Runs inside planwatch serve).")
  boolean local;

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    // The JVM's own start time: start-up before main (class loading) counts in the total too.
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    RunRequest request = new RunRequest(UUID.randomUUID().toString(), asOf != null ? asOf : LocalDate.now(ZoneId.of("Asia/Shanghai")),
        datasets.contains("://") ? datasets : Path.of(datasets).toAbsolutePath().normalize().toString(),
        maxQuarantined, recompute, waitForLock, warehouse.metastoreMode(), warehouse.conf, compilingOfThisJvm());
    if (!local) {
      try {
        OptionalInt served = RunService.delegate(warehouse.warehouse(), request.fields(), System.out, System.err);
        if (served.isPresent()) {
          return served.getAsInt();
        }
      } catch (IOException e) {
        System.err.println("planwatch: " + e.getMessage() + "; ops.job_runs shows how it ended");
        return ExitCode.RUNTIME_FAILURE;
      }
    }
    WarehouseLock lock;
    try {
      lock = WarehouseLock.acquire(warehouse.warehouse(), Duration.ofSeconds(waitForLock), request.lockHolder());
    } catch (WarehouseLock.BusyException e) {
      System.err.println("planwatch: " + e.getMessage());
      return ExitCode.BUSY;
    }
    try (lock) {
      SparkSession spark = warehouse.session("planwatch run " + request.asOf());
      try {
        return runAndPrint(spark, warehouse.warehouse(), request, deadRunsPossible(lock), HeldTables.none(), LastRun.acrossProcesses(warehouse.warehouse()), start,
            System.out, System.err,
            () -> String.format("%.1f s since JVM start", (System.currentTimeMillis() - jvmStart) / 1e3));
      } finally {
        spark.stop();
      }
    }
  }

  /**
   * Whether runs still shown as running may have died: only when this process holds the warehouse lock
   * (so none of them is still going) and an earlier holder did not release it.
   */
  private static boolean deadRunsPossible(WarehouseLock lock) {
    return lock.held() && !lock.lastHolderReleased();
  }

  /** {@link #runLogged}, then its summary on {@code out}, ending with how long it took and {@code where}. */
  private static int runAndPrint(SparkSession spark, Warehouse warehouse, RunRequest request, boolean deadRunsPossible, HeldTables held,
      LastRun lastRun, long start, PrintStream out, PrintStream err, java.util.function.Supplier<String> where) {
    double sessionSeconds = (System.nanoTime() - start) / 1e9;
    Outcome outcome =
        runLogged(spark, warehouse, request.run(), request.maxQuarantined(), request.recompute(), deadRunsPossible, held, lastRun);
    print(out, warehouse, outcome.summary(), request, (System.nanoTime() - start) / 1e9, sessionSeconds, where.get());
    if (outcome.message() != null) {
      err.println("planwatch: " + outcome.message());
    }
    return outcome.exitCode();
  }

  /**
   * A run handed over by {@code planwatch run} to this serving process ({@link RunService}): the same
   * steps as a local run, in a new session of the serving Spark context. Declined when the client's
   * metastore or settings differ from those the server started with (its results would differ).
   *
   * @param serverConf the --conf settings the server was started with
   * @param held the silver tables' rows the server holds from one night to the next
   * @param lastRun the last run the server recorded as succeeded, for the next one
   */
  public static int served(SparkSession shared, Warehouse warehouse, MetastoreMode metastore, Map<String, String> serverConf,
      HeldTables held, LastRun lastRun, StoppedRuns stoppedRuns, Map<String, String> fields, PrintStream out, PrintStream err,
      RunService.ClientGone clientGone) {
    long start = System.nanoTime();
    RunRequest request = RunRequest.of(fields);
    if (request.metastore() != metastore) {
      throw new RunService.Declined("it serves the " + metastore.name().toLowerCase() + " metastore, not "
          + request.metastore().name().toLowerCase());
    }
    Map<String, String> differ = differentSettings(serverConf, request.conf());
    if (!differ.isEmpty()) {
      throw new RunService.Declined("it runs with other settings: " + differ);
    }
    // A second run in this process meets the lock as one in another process does: it waits or stops busy.
    try (WarehouseLock lock = WarehouseLock.acquire(warehouse, Duration.ofSeconds(request.waitForLockSeconds()),
        request.lockHolder() + " in planwatch serve")) {
      if (clientGone.isGone()) {
        LOG.info("run {}: its client went away while it waited for the warehouse lock; not started", request.runId());
        return ExitCode.RUNTIME_FAILURE;
      }
      SparkSession spark = shared.newSession();
      // This run's session only: the server's other runs and its SQL clients keep their own.
      request.compiling().forEach(spark.conf()::set);
      if (!request.compiling().isEmpty()) {
        LOG.info("run {} compiles as its client's launcher chose: {}", request.runId(), request.compiling());
      }
      Set<Integer> persistedBefore = new HashSet<>(JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).keySet()
          .stream().map(id -> (Integer) id).toList());
      try {
        return stoppedRuns.run(request.runId(), clientGone, () -> runAndPrint(spark, warehouse, request, deadRunsPossible(lock), held,
            lastRun, start, out, err, () -> "in planwatch serve, pid " + ProcessHandle.current().pid()));
      } finally {
        // The serving process outlives the run: its checkpoints would otherwise stay in memory until it ends.
        // Delta's table states stay: Delta drops one when its table moves on, and the next night reads a
        // kept table without rebuilding its state. So do the silver tables' rows it holds, one version each.
        JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).forEach((id, rdd) -> {
          if (!persistedBefore.contains((Integer) id) && !isDeltaTableState(rdd.name()) && !HeldTables.isHeld(rdd.name())) {
            rdd.unpersist(false);
          }
        });
      }
    } catch (WarehouseLock.BusyException e) {
      err.println("planwatch: " + e.getMessage());
      return ExitCode.BUSY;
    } catch (Exception e) {
      // Spark's SparkException (a failed or cancelled job) is checked in Java but thrown undeclared by Scala.
      // As PlanwatchCli reports a local run's failure: one line, the exit code by kind.
      err.println(ExitCode.of(e) == ExitCode.INPUT_MISSING ? "planwatch: " + e.getMessage()
          : "planwatch: run failed: " + PlanwatchCli.oneLine(e) + " (the stack trace is in planwatch serve's log)");
      LOG.error("served run failed", e);
      return ExitCode.of(e);
    }
  }

  /**
   * The settings in which a run and the server differ, as key to "run's value vs server's value": every
   * --conf the run gives, and every setting that changes results ({@link InputManifest#changesResults})
   * the server was given. Settings only the server has
   * (its port, authentication) do not count.
   */
  static Map<String, String> differentSettings(Map<String, String> server, Map<String, String> run) {
    Set<String> keys = new java.util.TreeSet<>(run.keySet());
    server.keySet().stream().filter(InputManifest::changesResults).forEach(keys::add);
    Map<String, String> differ = new LinkedHashMap<>();
    for (String key : keys) {
      if (!java.util.Objects.equals(run.get(key), server.get(key))) {
        differ.put(key, run.getOrDefault(key, "(not given)") + " here, " + server.getOrDefault(key, "(not given)") + " in the server");
      }
    }
    return differ;
  }

  /**
   * The Spark settings of how a run's plans are compiled, which bin/planwatch gives a process as system
   * properties by the size of its data (bin/lib/jit-mode.bash: no code generation over small data). They
   * change how rows are computed, not which, so a served run takes the client's: a night over a city's
   * data is evaluated interpreted in the server too (about 4 s of a 25 s served night that computes
   * tables; docs/performance.md, thirtieth session).
   */
  static final List<String> COMPILING = List.of("spark.sql.codegen.wholeStage", "spark.sql.codegen.factoryMode");

  /** The {@link #COMPILING} settings this JVM was started with. */
  static Map<String, String> compilingOfThisJvm() {
    Map<String, String> settings = new LinkedHashMap<>();
    COMPILING.forEach(key -> {
      String value = System.getProperty(key);
      if (value != null) {
        settings.put(key, value);
      }
    });
    return settings;
  }

  /**
   * What a run is asked to do, resolved where it was asked (the date of "today", the absolute datasets
   * folder), so that the serving process runs exactly the client's run.
   *
   * @param conf the client's --conf settings (the server declines a run whose settings differ from its own)
   * @param compiling the client's {@link #COMPILING} settings, which the served run's session takes
   */
  record RunRequest(String runId, LocalDate asOf, String datasets, long maxQuarantined, boolean recompute, long waitForLockSeconds,
      MetastoreMode metastore, Map<String, String> conf, Map<String, String> compiling) {
    private static final String CONF = "conf.";
    private static final String COMPILING_PREFIX = "compiling.";

    Map<String, String> fields() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("run_id", runId);
      fields.put("as_of", asOf.toString());
      fields.put("datasets", datasets);
      fields.put("max_quarantined", Long.toString(maxQuarantined));
      fields.put("recompute", Boolean.toString(recompute));
      fields.put("wait_for_lock", Long.toString(waitForLockSeconds));
      fields.put("metastore", metastore.name());
      conf.forEach((k, v) -> fields.put(CONF + k, v));
      compiling.forEach((k, v) -> fields.put(COMPILING_PREFIX + k, v));
      return fields;
    }

    static RunRequest of(Map<String, String> fields) {
      Map<String, String> conf = new LinkedHashMap<>();
      Map<String, String> compiling = new LinkedHashMap<>();
      fields.forEach((k, v) -> {
        if (k.startsWith(CONF)) {
          conf.put(k.substring(CONF.length()), v);
        } else if (k.startsWith(COMPILING_PREFIX) && COMPILING.contains(k.substring(COMPILING_PREFIX.length()))) {
          compiling.put(k.substring(COMPILING_PREFIX.length()), v);
        }
      });
      return new RunRequest(fields.get("run_id"), LocalDate.parse(fields.get("as_of")), fields.get("datasets"),
          Long.parseLong(fields.get("max_quarantined")), Boolean.parseBoolean(fields.get("recompute")),
          Long.parseLong(fields.get("wait_for_lock")), MetastoreMode.valueOf(fields.get("metastore")), conf, compiling);
    }

    JobRuns.Run run() {
      return new JobRuns.Run(runId, "run", asOf, datasets, Instant.now());
    }

    String lockHolder() {
      return "planwatch run " + runId + " as of " + asOf;
    }
  }

  /** Delta's cache of a table's state at one version ("Delta Table State #12 - file:/..."), which Delta releases itself. */
  static boolean isDeltaTableState(String rddName) {
    return rddName != null && rddName.startsWith("Delta Table State #");
  }

  /** How a run ended: its exit code, what it wrote, and the reason when it did not succeed. */
  public record Outcome(int exitCode, RunSummary summary, String message) {}

  /**
   * The nightly run between its two rows in ops.job_runs (running, then succeeded or failed). Unless
   * {@code recompute}, the last succeeded run's tables are kept where nothing they depend on changed;
   * what this run read goes to ops.run_inputs for the next one.
   *
   * @param deadRunsPossible whether runs still shown as running are dead ones to mark failed: the caller holds
   *     the warehouse lock, and a holder before it died with it (see {@link #deadRunsPossible})
   */
  public static Outcome runLogged(SparkSession spark, Warehouse warehouse, JobRuns.Run run, long maxQuarantined, boolean recompute,
      boolean deadRunsPossible) {
    return runLogged(spark, warehouse, run, maxQuarantined, recompute, deadRunsPossible, HeldTables.none(), LastRun.none());
  }

  /**
   * {@link #runLogged(SparkSession, Warehouse, JobRuns.Run, long, boolean, boolean)} with what a serving process keeps from
   * one night to the next: the tables' rows it holds and the last run it recorded.
   */
  public static Outcome runLogged(SparkSession spark, Warehouse warehouse, JobRuns.Run run, long maxQuarantined, boolean recompute,
      boolean deadRunsPossible, HeldTables held, LastRun lastRun) {
    DeltaTables tables = new DeltaTables(spark, warehouse);
    JobRuns log = new JobRuns(spark, tables);
    RunInputs inputs = new RunInputs(spark, tables);
    if (deadRunsPossible) {
      log.markAbandoned(run);
    }
    // Looked up before this run's own row moves the log on: the log as the last run left it is what a remembered run needs.
    PreviousRun previous = recompute ? null : inputs.lastSucceeded(lastRun);
    log.started(run);
    LOG.info("run {} started (ops.job_runs)", run.runId());
    if (previous != null) {
      LOG.info("last succeeded run {} (as of {}): tables it left unchanged are kept where their inputs did not change",
          previous.runId(), previous.asOf());
    }
    NightlyRun nightly = new NightlyRun(spark, tables, new RunSettings(run.datasets(), run.asOf(), maxQuarantined), previous, held);
    RunSummary summary;
    try {
      summary = nightly.execute();
    } catch (Exception | Error e) {
      // Exception, not RuntimeException: a failed Spark job's SparkException is thrown undeclared.
      // A served run stopped because its client went away records its failure outside its stopped jobs' group.
      StoppedRuns.leaveGroup(spark.sparkContext());
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
    PreviousRun recorded = inputs.record(run, nightly.manifest(), summary);
    LOG.info("run {}: inputs and table states recorded (ops.run_inputs)", run.runId());
    log.finished(run, summary, ExitCode.OK, null);
    inputs.remember(lastRun, recorded);
    LOG.info("run {} succeeded (ops.job_runs)", run.runId());
    return new Outcome(ExitCode.OK, summary, null);
  }

  private static void print(PrintStream out, Warehouse warehouse, RunSummary summary, RunRequest request, double seconds,
      double sessionSeconds, String where) {
    out.printf("planwatch run as of %s%n  datasets  %s%n  warehouse %s%n%n", request.asOf(), request.datasets(), warehouse);
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
    out.printf("done in %.1f s (%s)%n", seconds, where);
  }
}
