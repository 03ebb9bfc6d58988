package org.planwatch.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.pipeline.NightlyRun;
import org.planwatch.pipeline.RunSettings;
import org.planwatch.pipeline.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code planwatch run}: the nightly recompute. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Load every dataset and write the bronze, silver and gold Delta tables.")
public final class RunCommand implements Callable<Integer> {
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

  @Override
  public Integer call() {
    long start = System.nanoTime();
    // The JVM's own start time: start-up before main (class loading) counts in the total too.
    long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    LocalDate date = asOf != null ? asOf : LocalDate.now(ZoneId.of("Asia/Shanghai"));
    String datasetsRoot = datasets.contains("://") ? datasets : Path.of(datasets).toAbsolutePath().normalize().toString();
    SparkSession spark = warehouse.session("planwatch run " + date);
    double sessionSeconds = (System.nanoTime() - start) / 1e9;
    try {
      RunSummary summary =
          new NightlyRun(spark, new DeltaTables(spark, warehouse.warehouse()), new RunSettings(datasetsRoot, date, maxQuarantined)).execute();
      double sinceJvmStart = (System.currentTimeMillis() - jvmStart) / 1e3;
      print(System.out, summary, date, datasetsRoot, (System.nanoTime() - start) / 1e9, sessionSeconds, sinceJvmStart);
      if (maxQuarantined >= 0 && summary.quarantined() > maxQuarantined) {
        System.err.printf("planwatch: %d rows quarantined, more than --max-quarantined %d: see silver.quarantine%n",
            summary.quarantined(), maxQuarantined);
        return ExitCode.TOO_MANY_QUARANTINED;
      }
      return ExitCode.OK;
    } finally {
      spark.stop();
    }
  }

  private void print(PrintStream out, RunSummary summary, LocalDate date, String datasetsRoot, double seconds,
      double sessionSeconds, double sinceJvmStart) {
    out.printf("planwatch run as of %s%n  datasets  %s%n  warehouse %s%n%n", date, datasetsRoot, warehouse.warehouse());
    out.printf("%-40s %9s %9s %9s %9s %8s %8s%n", "table", "rows", "inserted", "updated", "deleted", "version", "ms");
    for (WriteResult w : summary.writes()) {
      out.printf("%-40s %9d %9d %9d %9d %8d %8d%n", w.table(), w.rows(), w.inserted(), w.updated(), w.deleted(), w.version(), w.millis());
    }
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
