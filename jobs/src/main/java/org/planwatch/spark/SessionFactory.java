package org.planwatch.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.planwatch.serve.MetastoreServer;

/**
 * Builds the one SparkSession of a planwatch process. Settings given to spark-submit (spark.master
 * and friends arrive as system properties) win over our local defaults; {@code --conf} wins over all.
 */
public final class SessionFactory {
  private SessionFactory() {}

  /**
   * Where Hive's sessions put resources added from remote URLs (ADD JAR). Hive's default is a new
   * {@code <tmp>/<session id>_resources} folder per session, removed when the session closes; Spark
   * never closes the metastore client's session, so every run left an empty folder in /tmp. Here one
   * folder per process, removed when it exits.
   */
  private static final String HIVE_RESOURCES = "spark.hadoop.hive.downloaded.resources.dir";

  private static final class HiveResources {
    static final String FOLDER = folder();

    private static String folder() {
      java.nio.file.Path folder = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"),
          "planwatch-" + ProcessHandle.current().pid() + "_resources");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(folder)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException gone) {
          // Nothing to remove.
        }
      }, "planwatch-hive-resources"));
      return folder.toString();
    }
  }

  /** Whether this JVM compiles methods of more than 8,000 bytes of bytecode ({@code -XX:-DontCompileHugeMethods}). */
  public static boolean compilesHugeMethods() {
    try {
      return "false".equals(java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
          .getVMOption("DontCompileHugeMethods").getValue());
    } catch (IllegalArgumentException | NullPointerException notHotSpot) {
      return false;
    }
  }

  public static SparkSession create(
      String appName, Warehouse warehouse, MetastoreMode metastore, Map<String, String> userConf) {
    SparkConf conf = new SparkConf(true).setAppName(appName);
    boolean local = !conf.contains("spark.master") && !userConf.containsKey("spark.master");
    if (local) {
      conf.setMaster("local[*]");
      conf.setIfMissing("spark.driver.host", "localhost");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
      // Our tables are small: a handful of shuffle partitions beats the default 200.
      conf.setIfMissing("spark.sql.shuffle.partitions", "4");
    }
    // On any master: a planwatch table's log holds tens of commits, not the many thousands of files
    // Delta's default of 50 partitions per state reconstruction is for. On a cluster those were 50 tasks
    // per table read (the cluster run of ServeEndToEndTest: 201 -> 133 s with this and 2 shuffle partitions).
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "2");
    // Small tables keep their file list in the version checksum (Delta's default up to 50 files), so a
    // commit needs no state reconstruction; Delta checks that list by a full reconstruction after every
    // commit when the session is not in UTC (ours is Beijing time), against a mistake in timestamp
    // partition values. planwatch partitions no table by a timestamp (Schemas refuses one).
    conf.setIfMissing("spark.databricks.delta.allFilesInCrc.verificationMode.forceOnNonUTC.enabled", "false");
    // Runtime bloom filters pay off when a join prunes a large scan; planwatch's joins are small, and
    // each filter adds a Spark job and a copy of its side of the plan.
    conf.setIfMissing("spark.sql.optimizer.runtime.bloomFilter.enabled", "false");
    // Spark writes every query's plan as text for its UI's listener, UI or not, and again at every
    // adaptive re-plan; the "formatted" default numbers and lists each operator first. About 2% of the
    // driver's time of a served night that revised one actual (docs/performance.md, thirty-second session).
    conf.setIfMissing("spark.sql.ui.explainMode", "simple");
    // Spark keeps the classes it compiles for plans in a cache of 100 by default. A night compiles some
    // 600, most the same every night (Delta's log replay, digests, writes, the run log), so a served
    // night compiled nearly all of them again: 5.1 s of the 2025Q4 increment at --scale 0.1, 1.0 s with this.
    conf.setIfMissing("spark.sql.codegen.cache.maxEntries", "2000");
    // HotSpot does not compile a method of more than 8,000 bytes of bytecode; above that, Spark's
    // default keeps whole-stage code, which then runs interpreted. indicator_progress's formulas made
    // one such stage: 15% of a base run's CPU at --scale 0.1. At this limit Spark runs those operators
    // on their own, with expressions split into methods the JIT compiles (as Spark's docs advise for
    // HotSpot), each operator copying its whole row. A local JVM told to compile methods of any size
    // (the launcher's full mode) keeps stages of up to 16,000 bytes whole, as silver's checks (10 and 15
    // KB): observations checked in 28 s instead of 49 s at full size. Not indicator_progress's formulas
    // (62 KB), which ran 5 times slower whole than as operators (docs/performance.md, thirty-third
    // session); the sizes between were not measured. Executors elsewhere may lack the flag.
    conf.setIfMissing("spark.sql.codegen.hugeMethodLimit", local && compilesHugeMethods() ? "16000" : "8000");
    // Held rows are kept serialized on disk (HeldRows): Kryo writes an UnsafeRow as its bytes, Java serialization
    // as an object stream; compressed (LZ4), 18 million observations take 0.5 GB there instead of 5 GB, and are read faster.
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.rdd.compress", "true");
    // What Kryo writes here has no shared or cyclic references (rows, hash tables of broadcast joins,
    // small task results; Hadoop configurations go through Java serialization), and tracking them
    // cleared a map per object written: rows held and read back 25% faster (docs/performance.md,
    // twenty-seventh session).
    conf.setIfMissing("spark.kryo.referenceTracking", "false");
    if (warehouse.isLocal()) {
      // No chmod or readlink process per file written (about 1,500 a night); HDFS, S3 and others are not touched.
      conf.setIfMissing("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName());
      conf.setIfMissing("spark.hadoop.fs.AbstractFileSystem.file.impl", ForklessLocalFileSystem.Fs.class.getName());
    }
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.set("spark.sql.warehouse.dir", warehouse.root());
    conf.setIfMissing("spark.sql.session.timeZone", "Asia/Shanghai");
    // Without this, JDBC clients of the Thrift server see Delta tables without columns.
    conf.setIfMissing("spark.databricks.delta.catalog.update.enabled", "true");
    conf.setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false");
    switch (metastore) {
      case EMBEDDED -> {
        if (!warehouse.isLocal()) {
          throw new IllegalArgumentException(
              "the embedded metastore needs a local warehouse folder; for " + warehouse
                  + " use --metastore external (a Hive metastore) or --metastore none");
        }
        String dir = warehouse.metastoreDirectory().replaceFirst("^file:", "");
        conf.set("spark.sql.catalogImplementation", "hive");
        // While `planwatch serve` holds the Derby database it serves it on a local port: be its client.
        java.util.Optional<String> shared = MetastoreServer.sharedClientUrl(warehouse);
        conf.setIfMissing(
            "spark.hadoop.javax.jdo.option.ConnectionURL", shared.orElse("jdbc:derby:;databaseName=" + dir + ";create=true"));
        shared.ifPresent(url -> conf.setIfMissing("spark.hadoop.javax.jdo.option.ConnectionDriverName", MetastoreServer.CLIENT_DRIVER));
        System.setProperty("derby.stream.error.file", warehouse.root() + "/derby.log");
        conf.setIfMissing(HIVE_RESOURCES, HiveResources.FOLDER);
      }
      case EXTERNAL -> {
        conf.set("spark.sql.catalogImplementation", "hive");
        conf.setIfMissing(HIVE_RESOURCES, HiveResources.FOLDER);
      }
      case NONE -> conf.set("spark.sql.catalogImplementation", "in-memory");
    }
    userConf.forEach(conf::set);
    // Delta reads TIMESTAMP AS OF in the session zone but compares it with commit times, and prints
    // DESCRIBE HISTORY, through the JVM's default zone: with two zones, yesterday's time shifted by
    // their offset ("before the earliest version"). One zone for both.
    java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(conf.get("spark.sql.session.timeZone")));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel(conf.get("planwatch.spark.logLevel", "WARN"));
    return spark;
  }
}
