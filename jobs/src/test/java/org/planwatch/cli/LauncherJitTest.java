package org.planwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.LauncherOptions;
import org.planwatch.testing.TestSpark;

/**
 * Which JIT tiers bin/planwatch gives a command ({@code bin/lib/jit-mode.bash}): the first tier alone
 * ("quick") for a run or query over a folder under 64 MB, both tiers ("full") for the server, for
 * {@code maintain}, for larger folders and for URIs; {@code PLANWATCH_JIT} overrides. Small: today's
 * datasets; large: a 65 MB file (sparse: {@code du -b} counts its length).
 */
class LauncherJitTest {
  private static Path small;
  private static Path large;

  @BeforeAll
  static void folders() throws IOException {
    Path root = TestSpark.temporaryFolder("planwatch-jit-");
    small = TestSpark.datasets();
    large = Files.createDirectories(root.resolve("national"));
    try (RandomAccessFile file = new RandomAccessFile(large.resolve("observations.csv").toFile(), "rw")) {
      file.setLength(65L * 1024 * 1024);
    }
  }

  @Test
  void aRunOrQueryOverSmallDataGetsTheFirstTierAlone() throws Exception {
    assertEquals("quick", jitMode(Map.of(), "run", "--as-of", "2023-12-31", "--datasets", small.toString()));
    assertEquals("quick", jitMode(Map.of(), "sql", "--warehouse=" + small, "-e", "SELECT 1"));
    assertEquals("quick", jitMode(Map.of("PLANWATCH_DATASETS", small.toString()), "run"));
    // A folder that is not there yet is empty; the run itself says what is missing.
    assertEquals("quick", jitMode(Map.of(), "run", "--datasets", small.resolve("missing").toString()));
  }

  @Test
  void largeDataUrisTheServerAndMaintenanceKeepBothTiers() throws Exception {
    assertEquals("full", jitMode(Map.of(), "run", "--datasets", large.toString(), "--as-of", "2025-12-31"));
    assertEquals("full", jitMode(Map.of(), "run", "--datasets=" + large));
    assertEquals("full", jitMode(Map.of("PLANWATCH_WAREHOUSE", large.toString()), "report", "--out", "page.html"));
    assertEquals("full", jitMode(Map.of(), "sql", "--warehouse", "s3a://bucket/warehouse"));
    assertEquals("full", jitMode(Map.of(), "serve", "--warehouse", small.toString()));
    assertEquals("full", jitMode(Map.of(), "maintain", "--warehouse", small.toString()));
  }

  @Test
  void planwatchJitOverridesTheSizeRule() throws Exception {
    assertEquals("quick", jitMode(Map.of("PLANWATCH_JIT", "quick"), "serve"));
    assertEquals("full", jitMode(Map.of("PLANWATCH_JIT", "full"), "run", "--datasets", small.toString()));
  }

  /**
   * HotSpot gives C1 alone a 48 MB code cache, which a cold night computing tables filled (its compiler
   * disabled, then the run killed by "Out of space in CodeCache for adapters"): the quick mode keeps
   * the 240 MB of both tiers. Asked of a JVM started with the quick mode's options.
   */
  @Test
  void theQuickModeKeepsTheCodeCacheOfBothTiers() throws Exception {
    assertEquals(50_331_648L, reservedCodeCache(java.util.List.of("-XX:TieredStopAtLevel=1")), "C1 alone, as HotSpot sizes it");
    assertEquals(251_658_240L, reservedCodeCache(LauncherOptions.quick()));
  }

  private static long reservedCodeCache(java.util.List<String> options) throws Exception {
    return Long.parseLong(flag(options, "uintx", "ReservedCodeCacheSize"));
  }

  /**
   * HotSpot leaves methods over 8,000 bytes of bytecode interpreted unless told otherwise; Spark's
   * whole-stage code for silver's checks is 10-15 KB. A run in the full mode compiles them, and a
   * session in such a JVM keeps stages of up to 16 KB whole; one in a JVM with HotSpot's default (as
   * this suite's, and the server's) runs the operators of a stage over 8,000 bytes one by one, in
   * methods the JVM compiles.
   */
  @Test
  void aRunInTheFullModeCompilesMethodsOfAnySize() throws Exception {
    assertEquals("true", flag(java.util.List.of(), "bool", "DontCompileHugeMethods"), "HotSpot's default");
    assertEquals("false", flag(LauncherOptions.full("run"), "bool", "DontCompileHugeMethods"));
    assertEquals(java.util.List.of(), LauncherOptions.full("serve"));
    assertEquals("false", String.valueOf(org.planwatch.spark.SessionFactory.compilesHugeMethods()));
    assertEquals("8000", TestSpark.session().conf().get("spark.sql.codegen.hugeMethodLimit"));
    assertEquals("true", probe(LauncherOptions.full("run")), "SessionFactory reads the flag of a JVM with a run's full-mode options");
  }

  /** Prints what {@code SessionFactory} reads of its JVM's flag: run in a child JVM by {@link #probe}. */
  public static final class HugeMethodsProbe {
    public static void main(String[] args) {
      System.out.print(org.planwatch.spark.SessionFactory.compilesHugeMethods());
    }
  }

  private static String probe(java.util.List<String> options) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), HugeMethodsProbe.class.getName()));
    Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, jvm.waitFor(), out);
    return out.strip();
  }

  /** A flag's value in a JVM started with {@code options} ({@code -XX:+PrintFlagsFinal}). */
  private static String flag(java.util.List<String> options, String type, String name) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(java.util.List.of("-XX:+PrintFlagsFinal", "-version"));
    Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
    String flags = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, jvm.waitFor(), flags);
    return flags.lines().filter(l -> l.trim().startsWith(type + " " + name + " ")).findFirst()
        .map(l -> l.trim().split("\\s+")[3]).orElseThrow(() -> new AssertionError(flags));
  }

  /** What {@code jit_mode} prints for {@code args}. */
  private static String jitMode(Map<String, String> environment, String... args) {
    return LauncherOptions.call(environment, "jit_mode", args);
  }

}
