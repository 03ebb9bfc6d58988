package org.planwatch.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.planwatch.delta.HeldTables;
import org.planwatch.ops.LastRun;
import org.planwatch.pipeline.PublishedViews;
import org.planwatch.serve.BindPolicy;
import org.planwatch.serve.MetastoreServer;
import org.planwatch.serve.PasswordFile;
import org.planwatch.serve.RunService;
import org.planwatch.serve.StoppedRuns;
import org.planwatch.serve.ThriftServer;
import org.planwatch.spark.MetastoreMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code planwatch serve}: the JDBC/ODBC endpoint for BI tools, beeline and notebooks. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the warehouse's tables over JDBC/ODBC (Spark Thrift server, HiveServer2 protocol) until stopped.",
      "Connect with jdbc:hive2://HOST:PORT/default (docs/bi.md). A planwatch run on this warehouse meanwhile runs",
      "in this process (warm JVM and session; run --local runs apart, sharing the embedded metastore), and",
      "clients see new figures on their next query."
    })
public final class ServeCommand implements Callable<Integer> {
  @Mixin WarehouseOptions warehouse;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on. Other than loopback only with authentication configured (docs/bi.md). Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", defaultValue = "10000", description = "JDBC port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--metastore-port", defaultValue = "0",
      description = "Port of the Derby network server sharing the embedded metastore (127.0.0.1 only). Default: a free port.")
  int metastorePort;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "Check logins against this file of users (written by --add-user): enough authentication for --host.")
  Path passwordFile;

  @Option(names = "--add-user", paramLabel = "NAME",
      description = "Set NAME's password in --password-file (read from the terminal, or one line of standard input) and exit.")
  String addUser;

  /** How long Delta keeps a table's log, and with it its state, in memory after its last use, in minutes. */
  static final String DELTA_LOG_RETENTION = "spark.databricks.delta.delta.log.cacheRetentionMinutes";

  @Override
  public Integer call() throws InterruptedException, IOException {
    if (addUser != null) {
      return addUser();
    }
    // The settings the run service compares a run's --conf with: the user's, before the server's own.
    Map<String, String> runConf = new java.util.LinkedHashMap<>(warehouse.conf);
    if (passwordFile != null) {
      if (!Files.isRegularFile(passwordFile) || Files.size(passwordFile) == 0) {
        throw new IllegalArgumentException("--password-file " + passwordFile + " has no users: add one with --add-user NAME");
      }
      warehouse.conf.put(BindPolicy.AUTHENTICATION, "CUSTOM");
      warehouse.conf.put("hive.server2.custom.authentication.class", PasswordFile.class.getName());
      warehouse.conf.put(PasswordFile.SETTING, passwordFile.toAbsolutePath().toString());
    }
    // Tables' logs stay known to the server from one night to the next (Delta's default is an hour).
    warehouse.conf.putIfAbsent(DELTA_LOG_RETENTION, "1500");
    BindPolicy.check(host, authentication());
    warehouse.conf.put(ThriftServer.BIND_HOST, host);
    warehouse.conf.put(ThriftServer.PORT, Integer.toString(port));
    MetastoreMode mode = warehouse.metastoreMode();
    MetastoreServer metastore = mode == MetastoreMode.EMBEDDED ? MetastoreServer.start(warehouse.warehouse(), metastorePort) : null;
    SparkSession spark = null;
    ThriftServer server = null;
    RunService runService = null;
    try {
      spark = warehouse.session("planwatch serve");
      PublishedViews.registerIfNeeded(spark, warehouse.warehouse(), mode);
      server = ThriftServer.start(spark);
      if (warehouse.warehouse().isLocal()) {
        SparkSession shared = spark;
        HeldTables held = HeldTables.acrossRuns();
        LastRun lastRun = LastRun.acrossProcesses(warehouse.warehouse());
        StoppedRuns stoppedRuns = StoppedRuns.listeningTo(shared.sparkContext());
        runService = RunService.start(warehouse.warehouse(), (request, out, err, clientGone) ->
            RunCommand.served(shared, warehouse.warehouse(), mode, runConf, held, lastRun, stoppedRuns, request, out, err, clientGone));
      }
    } catch (RuntimeException e) {
      if (server != null) {
        server.close();
      }
      if (spark != null) {
        spark.stop();
      }
      if (metastore != null) {
        metastore.close();
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    SparkSession session = spark;
    ThriftServer thrift = server;
    RunService runs = runService;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (runs != null) {
        quietly(runs::close);
      }
      // Each step on its own: the metastore's address file must go even when Spark stops badly.
      quietly(thrift::close);
      quietly(session::stop);
      if (metastore != null) {
        quietly(metastore::close);
      }
      stopped.countDown();
    }, "planwatch serve shutdown"));
    System.out.printf("planwatch serve: listening on %s (warehouse %s, metastore %s%s)%n", server.url(), warehouse.warehouse(),
        mode.name().toLowerCase(), metastore == null ? "" : ", shared on 127.0.0.1:" + metastore.port());
    if (runService != null) {
      System.out.println("planwatch serve: nightly runs of this warehouse (planwatch run) run in this process;"
          + " planwatch run --local runs one apart");
    }
    System.out.println("planwatch serve: stop with Ctrl-C or SIGTERM");
    System.out.flush();
    stopped.await();
    return ExitCode.OK;
  }

  private int addUser() throws IOException {
    if (passwordFile == null) {
      throw new IllegalArgumentException("--add-user needs --password-file FILE");
    }
    char[] password;
    Console console = System.console();
    if (console != null) {
      password = console.readPassword("password for %s: ", addUser);
      if (!Arrays.equals(password, console.readPassword("again: "))) {
        System.err.println("planwatch serve: the passwords differ; nothing changed");
        return ExitCode.USAGE;
      }
    } else {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      password = line == null ? new char[0] : line.toCharArray();
    }
    if (password.length == 0) {
      System.err.println("planwatch serve: empty password; nothing changed");
      return ExitCode.USAGE;
    }
    PasswordFile.setPassword(passwordFile, addUser, password);
    System.out.println("planwatch serve: password of " + addUser + " set in " + passwordFile);
    return ExitCode.OK;
  }

  private static void quietly(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      System.err.println("planwatch serve: while stopping: " + PlanwatchCli.oneLine(e));
    }
  }

  /** hive.server2.authentication as the server will see it: --conf first, then hive-site.xml. */
  private String authentication() {
    for (String key : new String[] {BindPolicy.AUTHENTICATION, "spark.hadoop." + BindPolicy.AUTHENTICATION}) {
      if (warehouse.conf.containsKey(key)) {
        return warehouse.conf.get(key);
      }
    }
    Configuration hiveSite = new Configuration(false);
    hiveSite.addResource("hive-site.xml");
    return hiveSite.get(BindPolicy.AUTHENTICATION);
  }
}
