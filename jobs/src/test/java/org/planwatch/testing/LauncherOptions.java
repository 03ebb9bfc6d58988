package org.planwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What bin/planwatch gives a JVM, read from the launcher's own script by bash, so tests follow it. */
public final class LauncherOptions {
  private LauncherOptions() {}

  /** The JVM options of the launcher's quick mode ({@code quick_jvm_options} in bin/lib/jit-mode.bash). */
  public static List<String> quick() {
    return List.of(call(Map.of(), "quick_jvm_options").split("\\s+"));
  }

  /** The JVM options of the launcher's full mode for a command ({@code full_jvm_options} in bin/lib/jit-mode.bash). */
  public static List<String> full(String command) {
    String options = call(Map.of(), "full_jvm_options", command);
    return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
  }

  /**
   * What a function of bin/lib/jit-mode.bash prints for {@code args}, run by bash as the launcher runs it,
   * with the launcher's variables as in {@code environment} (unset otherwise).
   */
  public static String call(Map<String, String> environment, String function, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", "-c", "source bin/lib/jit-mode.bash && " + function + " \"$@\"", function));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(TestSpark.repo().toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeAll(List.of("PLANWATCH_JIT", "PLANWATCH_DATASETS", "PLANWATCH_WAREHOUSE"));
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (process.waitFor() != 0) {
        throw new IllegalStateException(function + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The Spark settings among {@link #quick} ({@code -Dspark.x=y}, which Spark reads into its configuration). */
  public static Map<String, String> quickSparkSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String option : quick()) {
      if (option.startsWith("-Dspark.")) {
        String[] pair = option.substring(2).split("=", 2);
        settings.put(pair[0], pair[1]);
      }
    }
    return settings;
  }
}
