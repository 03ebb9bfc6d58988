package org.planwatch.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.planwatch.ops.WarehouseLock;
import org.planwatch.spark.TableRegistry;
import org.planwatch.spark.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code planwatch maintain}: compacts every table's small files (OPTIMIZE) and deletes the files no
 * version younger than the retention needs (VACUUM). The retention is how far back time travel
 * (VERSION / TIMESTAMP AS OF) keeps working, and a reader that started before VACUUM must still find
 * its files: below Delta's own 7-day default it needs --force.
 */
@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "OPTIMIZE and VACUUM every planwatch table (bronze, silver, gold, ops).",
      "Time travel reaches back --retain-hours after it; readers started before it keep their files."
    })
public final class MaintainCommand implements Callable<Integer> {
  /** Delta's default delta.deletedFileRetentionDuration: 7 days. */
  static final long SAFE_RETENTION_HOURS = 168;

  @Mixin WarehouseOptions warehouse;

  @Option(names = "--retain-hours", paramLabel = "N", defaultValue = "168",
      description = "Keep files that versions of the last N hours need. Default and minimum without --force: ${DEFAULT-VALUE} (7 days).")
  long retainHours;

  @Option(names = "--force", description = "Allow --retain-hours below 168: time travel before that is lost, and a query running during VACUUM may fail.")
  boolean force;

  @Option(names = "--wait-for-lock", paramLabel = "SECONDS", defaultValue = "0",
      description = "When a run holds the warehouse, wait up to SECONDS for it. Default: stop at once with exit code 5.")
  long waitForLock;

  @Override
  public Integer call() {
    if (retainHours < 0 || (retainHours < SAFE_RETENTION_HOURS && !force)) {
      System.err.printf("planwatch: refusing --retain-hours %d: below %d hours (7 days) VACUUM may delete files that "
          + "time travel or a running query still needs; pass --force if you mean it%n", retainHours, SAFE_RETENTION_HOURS);
      return ExitCode.USAGE;
    }
    WarehouseLock lock;
    try {
      lock = WarehouseLock.acquire(warehouse.warehouse(), Duration.ofSeconds(waitForLock), "planwatch maintain");
    } catch (WarehouseLock.BusyException e) {
      System.err.println("planwatch: " + e.getMessage());
      return ExitCode.BUSY;
    }
    try (lock) {
      SparkSession spark = warehouse.session("planwatch maintain");
      try {
        maintain(spark, warehouse.warehouse(), retainHours, System.out);
        return ExitCode.OK;
      } finally {
        spark.stop();
      }
    }
  }

  /**
   * OPTIMIZE then VACUUM every Delta table of {@code warehouse}, printing per table what each did. The
   * caller holds the warehouse lock and has checked {@code retainHours} against {@link #SAFE_RETENTION_HOURS}.
   */
  static void maintain(SparkSession spark, Warehouse warehouse, long retainHours, PrintStream out) {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    // VACUUM lists a table's files with one Spark task per this many (default 10,000): on 2 cores that
    // is minutes per small table and VACUUM runs twice per table. One task per core lists them as fast.
    if (!spark.conf().contains(LISTING_PARALLELISM)) {
      settings.put(LISTING_PARALLELISM, Integer.toString(Math.max(1, spark.sparkContext().defaultParallelism())));
    }
    if (retainHours < SAFE_RETENTION_HOURS) {
      // The user passed --force: Delta's own check would refuse the short retention.
      settings.put("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    }
    settings.forEach(spark.conf()::set);
    try {
      optimizeAndVacuum(spark, warehouse, retainHours, out);
    } finally {
      settings.keySet().forEach(spark.conf()::unset);
    }
  }

  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  private static void optimizeAndVacuum(SparkSession spark, Warehouse warehouse, long retainHours, PrintStream out) {
    Map<String, String> tables = TableRegistry.deltaTables(spark, warehouse);
    out.printf("planwatch maintain: %d tables in %s; VACUUM keeps %d hours (%.1f days) of history%n%n",
        tables.size(), warehouse, retainHours, retainHours / 24.0);
    out.printf("%-34s %17s %11s %16s %8s%n", "table", "optimize: removed", "added", "vacuum: deleted", "version");
    long removedTotal = 0;
    long addedTotal = 0;
    long deletedTotal = 0;
    for (Map.Entry<String, String> table : tables.entrySet()) {
      String path = "delta.`" + table.getValue() + "`";
      Row metrics = spark.sql("OPTIMIZE " + path).first().getStruct(1);
      long removed = metrics.<Long>getAs("numFilesRemoved");
      long added = metrics.<Long>getAs("numFilesAdded");
      // The dry run lists what VACUUM will delete (VACUUM itself reports nothing back).
      long deleted = spark.sql("VACUUM " + path + " RETAIN " + retainHours + " HOURS DRY RUN").count();
      spark.sql("VACUUM " + path + " RETAIN " + retainHours + " HOURS");
      long version = spark.sql("DESCRIBE HISTORY " + path + " LIMIT 1").first().<Long>getAs("version");
      out.printf("%-34s %17d %11d %16d %8d%n", table.getKey(), removed, added, deleted, version);
      removedTotal += removed;
      addedTotal += added;
      deletedTotal += deleted;
    }
    out.printf("%noptimize: %d small files compacted into %d; vacuum: %d unreferenced files deleted%n",
        removedTotal, addedTotal, deletedTotal);
  }
}
