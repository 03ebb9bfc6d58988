package org.planwatch.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spark standalone master and one worker on 127.0.0.1, each its own JVM on the test's class path:
 * the cluster path of the job (driver, master, worker and executor JVMs talking over the network,
 * tasks and closures serialised) without a Spark distribution. scripts/cluster-check does the same
 * with the packaged -cluster jar and spark-submit.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Duration START = Duration.ofMinutes(3);
  /**
   * Spark's own logging defaults (INFO): the daemons say when they are up; planwatch's config keeps them
   * quiet. They only pass messages ({@link ChildProcess#LIGHT_JVM}).
   */
  private static final List<String> DAEMON_JVM = Stream.concat(
      Stream.of("-Xmx256m", "-Dlog4j2.configurationFile=org/apache/spark/log4j2-defaults.properties"), ChildProcess.LIGHT_JVM.stream()).toList();

  private final ChildProcess master;
  private final ChildProcess worker;
  private final String url;

  private StandaloneCluster(ChildProcess master, ChildProcess worker, String url) {
    this.master = master;
    this.worker = worker;
    this.url = url;
  }

  static StandaloneCluster start(Path work, int cores) throws IOException, InterruptedException {
    int port = MetastoreServer.freePort();
    String url = "spark://127.0.0.1:" + port;
    ChildProcess master = ChildProcess.start(work, "master", Map.of(), DAEMON_JVM, "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", "0");
    master.awaitOutput("I have been elected leader", START);
    // The worker builds its executors' command from SPARK_HOME/jars (empty here) and the application's
    // spark.executor.extraClassPath (the test's class path, see runArguments).
    Path sparkHome = Files.createDirectories(work.resolve("spark-home/jars")).getParent();
    ChildProcess worker = ChildProcess.start(work, "worker",
        Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12", "SPARK_LOCAL_IP", "127.0.0.1"), DAEMON_JVM,
        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", Integer.toString(cores),
        "--memory", "1g", "--webui-port", "0", "--work-dir", work.resolve("worker").toString(), url);
    worker.awaitOutput("Successfully registered with master", START);
    return new StandaloneCluster(master, worker, url);
  }

  /** The --conf options that send a planwatch command's work to this cluster. */
  List<String> runArguments() {
    List<String> args = new ArrayList<>();
    for (String conf : List.of(
        "spark.master=" + url,
        "spark.driver.host=127.0.0.1",
        "spark.executor.memory=512m",
        "spark.executor.extraClassPath=" + System.getProperty("java.class.path"),
        "spark.executor.extraJavaOptions=" + String.join(" ", ChildProcess.javaModuleOptions()) + " -XX:+UseParallelGC",
        "spark.sql.shuffle.partitions=2",
        "spark.ui.enabled=false")) {
      args.add("--conf");
      args.add(conf);
    }
    return args;
  }

  /** How many executors the worker launched (at least one when the work went to the cluster). */
  long executorsLaunched() {
    return worker.output().lines().filter(l -> l.contains("Asked to launch executor")).count();
  }

  @Override
  public void close() throws InterruptedException {
    // The worker first: it stops its executors.
    worker.stop(Duration.ofMinutes(1));
    master.stop(Duration.ofMinutes(1));
  }

}
