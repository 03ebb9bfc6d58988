package org.planwatch.serve;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from a test on the test's own classpath and Spark's Java 17 flags, as bin/planwatch
 * starts one: for what must run in its own process (a second planwatch process beside the server, and
 * the server itself, whose Hive service may exit its JVM).
 */
final class ChildProcess {
  private final Process process;
  private final Path log;
  private final String name;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * JVM options for a helper that only passes messages (the cluster daemons, a beeline client): the C1
   * compiler and the serial collector leave the cores to the run.
   */
  static final List<String> LIGHT_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** With bin/planwatch's collector: on 2 cores G1's concurrent threads cost more than ParallelGC's pauses. */
  static final List<String> PLANWATCH_JVM = List.of("-Xmx1g", "-XX:+UseParallelGC");

  /**
   * {@link #PLANWATCH_JVM} with the launcher's quick mode (the JIT's first tier alone, no Spark code
   * generation), as bin/planwatch starts a run or query over small data (docs/operations.md, The launcher's JVM).
   */
  static final List<String> PLANWATCH_JVM_SMALL_DATA =
      java.util.stream.Stream.concat(PLANWATCH_JVM.stream(), org.planwatch.testing.LauncherOptions.quick().stream()).toList();

  static ChildProcess start(Path logDir, String name, String mainClass, String... args) throws IOException {
    return start(logDir, name, java.util.Map.of(), PLANWATCH_JVM, mainClass, args);
  }

  /** A JVM with extra environment variables and JVM options (heap size, system properties). */
  static ChildProcess start(Path logDir, String name, java.util.Map<String, String> environment, List<String> jvmOptions,
      String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaModuleOptions());
    command.addAll(jvmOptions);
    command.add("-Dfile.encoding=UTF-8");
    // Surefire's class path (a manifest-only jar whose Class-Path lists the rest works the same).
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return new ChildProcess(name, builder.start(), log);
  }

  /** Spark's Java 17 flags, as this JVM got them from Surefire. */
  static List<String> javaModuleOptions() {
    List<String> options = new ArrayList<>();
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens") || option.startsWith("-XX:+IgnoreUnrecognizedVMOptions")) {
        options.add(option);
      }
    }
    return options;
  }

  /** Waits for the process to end and returns its exit code. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not end within " + timeout + "\n" + tail());
    }
    return process.exitValue();
  }

  /** Waits until the output contains {@code text}. */
  void awaitOutput(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " ended (exit " + process.exitValue() + ") before printing '" + text + "'\n" + tail());
      }
      Thread.sleep(500);
    }
    throw new AssertionError(name + " did not print '" + text + "' within " + timeout + "\n" + tail());
  }

  /** Asks the process to stop (SIGTERM: shutdown hooks run) and waits for it. */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    return waitFor(timeout);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  void kill() {
    process.destroyForcibly();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String tail() {
    String out = output();
    return "--- last output of " + name + " (" + log + ") ---\n" + out.substring(Math.max(0, out.length() - 4000));
  }
}
