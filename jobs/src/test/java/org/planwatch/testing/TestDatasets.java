package org.planwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Copies of the curated datasets that a test may change. */
public final class TestDatasets {
  private TestDatasets() {}

  public static Path copyOfCurated() {
    return copy(TestSpark.datasets(), "planwatch-datasets-");
  }

  public static void deleteRecursively(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of a whole warehouse folder: Delta tables keep relative file paths, so the copy is a working warehouse. */
  public static Path copyOfFolder(Path source) {
    return copy(source, "planwatch-wh-copy-");
  }

  private static Path copy(Path source, String prefix) {
    Path target = TestSpark.temporaryFolder(prefix);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : files.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }
}
