package org.planwatch.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Headless Chromium (Debian's chromium package) for the page tests: the DOM after the page's scripts ran. */
final class Chromium {
  private Chromium() {}

  /** The chromium executable: $PLANWATCH_CHROMIUM, else chromium or chromium-browser on the PATH. */
  static Optional<Path> find() {
    String configured = System.getenv("PLANWATCH_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured)).filter(Files::isExecutable);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Loads {@code page} and returns the serialised DOM once the page is idle (virtual time lets
   * timers and animation frames run without waiting for them in real time).
   */
  static String dumpDom(Path chromium, Path page) throws IOException, InterruptedException {
    // One folder for the profile and the output, removed with the suite's other temporary folders.
    Path folder = org.planwatch.testing.TestSpark.temporaryFolder("planwatch-chromium-");
    Path userData = Files.createDirectory(folder.resolve("profile"));
    Path stdout = folder.resolve("dom.html");
    Path stderr = folder.resolve("chromium.log");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + userData, "--window-size=1280,1600",
        "--virtual-time-budget=15000", "--dump-dom", page.toUri().toString()));
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not finish in 120 s: " + Files.readString(stderr));
    }
    String dom = Files.readString(stdout, StandardCharsets.UTF_8);
    if (process.exitValue() != 0 || dom.isBlank()) {
      throw new IllegalStateException("chromium exited with " + process.exitValue() + ": " + Files.readString(stderr));
    }
    return dom;
  }
}
