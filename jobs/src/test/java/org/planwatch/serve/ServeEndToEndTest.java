package org.planwatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.planwatch.cli.PlanwatchCli;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.planwatch.gold.CommitmentIndicatorLink;
import org.planwatch.gold.CommitmentScorecard;
import org.planwatch.gold.DistrictCityComparison;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.PlanConsistency;
import org.planwatch.gold.PublishedReconciliation;
import org.planwatch.gold.RegionScorecard;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * The JDBC endpoint as a BI tool meets it. Real processes, as in production: a nightly run on a Spark
 * standalone cluster (master, worker and executors on 127.0.0.1) builds the warehouse (embedded Derby
 * metastore) and writes the same gold rows as a local run, {@code planwatch serve} serves it, a BI client connects with the
 * Hive JDBC driver, and while the server is up a second nightly run with a revised figure runs inside the
 * server (planwatch run hands it over); the client sees the new figure on its next query, through the same
 * connection. Then every notebook runs through beeline against the server, all at once, while a
 * {@code planwatch sql} and a {@code planwatch run --local} work beside it on the same metastore.
 *
 * <p>The client is hive-jdbc 2.3.9, the driver Spark 3.5.4's Thrift server is built and tested with (it
 * comes with spark-hive-thriftserver, so it shares Spark's Hive jars without a clash).
 */
class ServeEndToEndTest {
  private static final Duration RUN = Duration.ofMinutes(25);
  /** gold stores rates rounded to 10 decimals. */
  private static final double STORED = 1e-10;

  /** Huzhou GDP 2022 (mid-term evaluation, Table 1): base 3201.4 (2020), target 5000 (2025), actual 3850. */
  private static final String HUZHOU_GDP_2022 =
      "SELECT achievement_rate FROM gold.indicator_progress WHERE plan_id = 'huzhou_14' AND region_code = '330500'"
          + " AND indicator_code = 'gdp' AND as_of = DATE'2022-12-31'";

  @Test
  void biClientsSeeANightlyRunWithoutRestartingTheServer() throws Exception {
    Path work = TestSpark.temporaryFolder("planwatch-serve-");
    Path warehouse = work.resolve("warehouse");
    // The warehouse is built the way a production cluster would build it: driver, master, worker and
    // executor in separate JVMs. It must hold exactly what a local run writes.
    try (StandaloneCluster cluster = StandaloneCluster.start(work, 2)) {
      List<String> args = new ArrayList<>(List.of("run", "--as-of", "2023-12-31",
          "--datasets", TestSpark.datasets().toString(), "--warehouse", warehouse.toString()));
      args.addAll(cluster.runArguments());
      ChildProcess firstRun = planwatch(work, "run-1-cluster", args.toArray(String[]::new));
      assertEquals(0, firstRun.waitFor(RUN), firstRun.tail());
      assertTrue(cluster.executorsLaunched() > 0, "the run's tasks ran on the cluster's executors");
    }

    int port = MetastoreServer.freePort();
    ChildProcess serve = planwatch(work, "serve", "serve", "--warehouse", warehouse.toString(), "--port", Integer.toString(port));
    try {
      // While the server starts (it reads the metastore, not the files compared here).
      assertSameGoldAsALocalRun(warehouse);
      serve.awaitOutput("planwatch serve: listening on jdbc:hive2://127.0.0.1:" + port, Duration.ofMinutes(10));
      assertTrue(Files.exists(warehouse.resolve(MetastoreServer.ADDRESS_FILE)), "the server advertises the shared metastore");

      try (Connection bi = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/default", "analyst", "")) {
        DatabaseMetaData meta = bi.getMetaData();
        Map<String, String> goldTables = tables(meta, "gold");
        assertTrue(goldTables.containsKey("indicator_progress"), goldTables.toString());
        assertTrue(goldTables.containsKey("published_reconciliation"), goldTables.toString());
        assertTrue(goldTables.get("indicator_progress").contains("实现度"), "table comment reaches REMARKS");
        Map<String, String> progressColumns = columns(meta, "gold", "indicator_progress");
        assertEquals("Achievement rate (实现度), fraction of the planned change achieved, 0.361 = 36.1%; 1 once the target is met;"
            + " negative when moving away | 实现度（小数，0.361即36.1%）", progressColumns.get("achievement_rate"));

        assertEquals((3850 - 3201.4) / (5000 - 3201.4), single(bi, HUZHOU_GDP_2022), STORED);

        // The star for BI tools, with comments and display percentages.
        Map<String, String> biViews = tables(meta, "bi");
        assertEquals(List.of("dim_indicator", "dim_period", "dim_region", "fact_progress"),
            biViews.keySet().stream().filter(v -> !v.equals("fact_comparison")).sorted().toList());
        assertTrue(columns(meta, "bi", "fact_progress").get("achievement_percent").startsWith("Achievement (实现度) in percent"));
        assertEquals(36.1, single(bi, "SELECT achievement_percent FROM bi.fact_progress f JOIN bi.dim_region r USING (region_code)"
            + " JOIN bi.dim_indicator i USING (indicator_key) WHERE r.region_name = 'Huzhou City' AND i.indicator_code = 'gdp'"
            + " AND f.as_of = DATE'2022-12-31'"), 0);

        // A nightly run with a revised 2022 GDP (3850 -> 3901.6) while the server is up.
        Path revised = copyDatasets(work.resolve("datasets-revised"));
        Path huzhou = revised.resolve("observations/huzhou.csv");
        String before = Files.readString(huzhou, StandardCharsets.UTF_8);
        String after = before.replace("330500,gdp,2022-01-01,2022-12-31,2022,level,3850,3850,", "330500,gdp,2022-01-01,2022-12-31,2022,level,3901.6,3901.6,");
        assertFalse(before.equals(after), "the 2022 GDP row is in the curated datasets");
        Files.writeString(huzhou, after, StandardCharsets.UTF_8);
        ChildProcess secondRun = planwatch(work, "run-2", "run", "--as-of", "2023-12-31",
            "--datasets", revised.toString(), "--warehouse", warehouse.toString());
        assertEquals(0, secondRun.waitFor(RUN), secondRun.tail());
        assertTrue(serve.isAlive(), serve.tail());
        // The server ran it (warm JVM and session); the client printed what the server answered.
        assertTrue(secondRun.output().contains("(in planwatch serve, pid "), secondRun.tail());
        assertTrue(secondRun.output().contains("gold.indicator_progress "), secondRun.tail());

        assertEquals((3901.6 - 3201.4) / (5000 - 3201.4), single(bi, HUZHOU_GDP_2022), STORED);
        assertEquals(38.9, single(bi, "SELECT achievement_percent FROM bi.fact_progress WHERE plan_id = 'huzhou_14'"
            + " AND indicator_code = 'gdp' AND as_of = DATE'2022-12-31'"), 0);
        // Yesterday's figure is still there: time travel to the version the first run wrote.
        assertEquals((3850 - 3201.4) / (5000 - 3201.4), single(bi, HUZHOU_GDP_2022.replace(
            "FROM gold.indicator_progress", "FROM gold.indicator_progress VERSION AS OF " + firstVersion(bi))), STORED);
      }

      // planwatch sql works beside the server too (it is a client of the shared metastore), while
      // statisticians run the notebooks through the server.
      ChildProcess sql = planwatch(work, "sql", "sql", "--warehouse", warehouse.toString(), "--format", "csv",
          "-e", "SELECT indicator_code, achievement_percent FROM bi.fact_progress WHERE plan_id = 'huzhou_14'"
              + " AND indicator_code = 'gdp' AND as_of = DATE'2022-12-31'");
      // A run in its own process (--local) beside the server: a client of the shared metastore, which
      // finds every table as the served run left it.
      ChildProcess localRun = planwatch(work, "run-3-local", "run", "--local", "--as-of", "2023-12-31",
          "--datasets", work.resolve("datasets-revised").toString(), "--warehouse", warehouse.toString());
      runNotebooks(work, port);
      assertEquals(0, sql.waitFor(RUN), sql.tail());
      assertTrue(sql.output().contains("indicator_code,achievement_percent\ngdp,38.9\n"), sql.tail());
      assertEquals(0, localRun.waitFor(RUN), localRun.tail());
      assertTrue(localRun.output().contains("since JVM start"), localRun.tail());
      assertTrue(localRun.output().contains("33 of 33 tables"), localRun.tail());

      // Ctrl-C on the client of a served run stops the run in the server, which records it failed.
      int runsStarted = occurrences(serve.output(), "started (ops.job_runs)");
      ChildProcess stoppedRun = planwatch(work, "run-4-stopped", "run", "--as-of", "2023-12-31", "--recompute",
          "--datasets", work.resolve("datasets-revised").toString(), "--warehouse", warehouse.toString());
      long deadline = System.nanoTime() + RUN.toNanos();
      while (occurrences(serve.output(), "started (ops.job_runs)") == runsStarted && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      stoppedRun.stop(RUN); // SIGTERM, as Ctrl-C's SIGINT: the client's shutdown hooks run and its connection closes
      assertTrue(stoppedRun.output().contains("planwatch: stopped; planwatch serve (pid "), stoppedRun.tail());
      serve.awaitOutput("its client went away; cancelling its Spark jobs", Duration.ofMinutes(2));
      serve.awaitOutput("served run failed", Duration.ofMinutes(2));
      try (Connection bi = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/default", "analyst", "");
          Statement statement = bi.createStatement();
          ResultSet last = statement.executeQuery("SELECT status, error_message FROM ops.job_runs ORDER BY started_at DESC LIMIT 1")) {
        assertTrue(last.next());
        assertEquals("failed", last.getString(1));
        assertTrue(last.getString(2).contains("went away (Ctrl-C or killed)"), last.getString(2));
      }
    } finally {
      if (serve.isAlive()) {
        serve.stop(Duration.ofMinutes(2));
      }
    }
    assertFalse(Files.exists(warehouse.resolve(MetastoreServer.ADDRESS_FILE)), "a stopped server withdraws its address\n" + serve.tail());
    // Hive's session folders for downloaded resources, one per process before: all removed at exit.
    assertEquals(List.of(), hiveFoldersLeft(work));
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  /** Every gold table of {@code warehouse} equals the local run's (the shared curated warehouse), row for row. */
  private static void assertSameGoldAsALocalRun(Path warehouse) {
    SparkSession spark = TestSpark.session();
    Warehouse local = TestWarehouses.curated().warehouse();
    Warehouse cluster = Warehouse.at(warehouse.toString());
    for (TableSchema table : List.of(IndicatorProgress.SCHEMA, DistrictCityComparison.SCHEMA, PlanConsistency.SCHEMA,
        RegionScorecard.SCHEMA, PublishedReconciliation.SCHEMA, CommitmentScorecard.SCHEMA, CommitmentIndicatorLink.SCHEMA)) {
      // Load times differ between runs; every other column must match.
      String[] columns = table.columnNames().stream().filter(c -> !table.volatileColumns().contains(c)).toArray(String[]::new);
      Dataset<Row> ours = spark.read().format("delta").load(cluster.location(table)).selectExpr(columns);
      Dataset<Row> theirs = spark.read().format("delta").load(local.location(table)).selectExpr(columns);
      assertTrue(ours.count() > 0, table + " is empty");
      assertEquals(0, ours.exceptAll(theirs).count(), table + ": rows only in the cluster run");
      assertEquals(0, theirs.exceptAll(ours).count(), table + ": rows only in the local run");
    }
  }

  /**
   * Every notebook runs through beeline against the server; a notebook's {@code -- expect:} lines are
   * text its output must contain (so a notebook whose figures drift fails here, not in front of a user).
   */
  private static void runNotebooks(Path work, int port) throws IOException, InterruptedException {
    List<Path> notebooks;
    try (Stream<Path> files = Files.list(TestSpark.repo().resolve("notebooks"))) {
      notebooks = files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
    }
    assertEquals(3, notebooks.size(), notebooks.toString());
    // Three statisticians at once: one session each on the server.
    Map<Path, ChildProcess> sessions = new LinkedHashMap<>();
    for (Path notebook : notebooks) {
      String name = notebook.getFileName().toString().replace(".sql", "");
      sessions.put(notebook, ChildProcess.start(work, "beeline-" + name, Map.of(),
          Stream.concat(Stream.of("-Xmx512m"), ChildProcess.LIGHT_JVM.stream()).toList(), "org.apache.hive.beeline.BeeLine",
          "-u", "jdbc:hive2://127.0.0.1:" + port + "/default", "-n", "statistician",
          "--outputformat=table", "--showHeader=true", "-f", notebook.toString()));
    }
    for (Map.Entry<Path, ChildProcess> session : sessions.entrySet()) {
      Path notebook = session.getKey();
      ChildProcess beeline = session.getValue();
      assertEquals(0, beeline.waitFor(Duration.ofMinutes(10)), beeline.tail());
      String output = beeline.output();
      assertFalse(output.contains("Error:"), beeline.tail());
      List<String> expected = new ArrayList<>();
      for (String line : Files.readAllLines(notebook, StandardCharsets.UTF_8)) {
        if (line.startsWith("-- expect: ")) {
          expected.add(line.substring("-- expect: ".length()).strip());
        }
      }
      assertFalse(expected.isEmpty(), notebook + " states what it shows");
      for (String text : expected) {
        assertTrue(output.contains(text), notebook + " should show '" + text + "'\n" + beeline.tail());
      }
    }
  }

  /**
   * A planwatch process with the JIT bin/planwatch gives it for today's datasets (the server both tiers, a
   * run or query the first alone), and its temporary files in {@link #temporaryFolder}.
   */
  private static ChildProcess planwatch(Path work, String name, String... args) throws IOException {
    List<String> jvm = new ArrayList<>(args[0].equals("serve") ? ChildProcess.PLANWATCH_JVM : ChildProcess.PLANWATCH_JVM_SMALL_DATA);
    jvm.add("-Djava.io.tmpdir=" + Files.createDirectories(temporaryFolder(work)));
    return ChildProcess.start(work, name, Map.of(), jvm, PlanwatchCli.class.getName(), args);
  }

  private static Path temporaryFolder(Path work) {
    return work.resolve("tmp");
  }

  /** What the planwatch processes left in their temporary folder that Hive made: nothing, once they ended. */
  private static List<String> hiveFoldersLeft(Path work) throws IOException {
    try (Stream<Path> files = Files.list(temporaryFolder(work))) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith("_resources")).toList();
    }
  }

  /** Table name to REMARKS, as a BI tool's schema browser lists them. */
  private static Map<String, String> tables(DatabaseMetaData meta, String schema) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ResultSet rs = meta.getTables(null, schema, "%", null)) {
      while (rs.next()) {
        out.put(rs.getString("TABLE_NAME"), String.valueOf(rs.getString("REMARKS")));
      }
    }
    return out;
  }

  /** Column name to REMARKS. */
  private static Map<String, String> columns(DatabaseMetaData meta, String schema, String table) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
      while (rs.next()) {
        out.put(rs.getString("COLUMN_NAME"), rs.getString("REMARKS"));
      }
    }
    assertFalse(out.isEmpty(), schema + "." + table + " shows its columns to JDBC clients");
    return out;
  }

  private static double single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      assertTrue(rs.next(), "no row: " + sql);
      double value = rs.getDouble(1);
      assertFalse(rs.next(), "more than one row: " + sql);
      return value;
    }
  }

  /** The table version the first run left: the version before the second run's writes. */
  private static long firstVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("DESCRIBE HISTORY gold.indicator_progress LIMIT 1")) {
      assertTrue(rs.next());
      return rs.getLong("version") - 1;
    }
  }

  private static Path copyDatasets(Path target) throws IOException {
    Path source = TestSpark.datasets();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return target;
  }

}
