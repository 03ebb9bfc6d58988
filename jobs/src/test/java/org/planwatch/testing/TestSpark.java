package org.planwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.planwatch.spark.MetastoreMode;
import org.planwatch.spark.SessionFactory;
import org.planwatch.spark.Warehouse;

/**
 * The one SparkSession of the test JVM, configured like a planwatch run (Delta extensions), with
 * settings that keep the suite fast: 2 cores, 2 shuffle partitions, no UI, an in-memory catalog
 * (no Derby boot), tables registered by location as with {@code --metastore none}.
 */
public final class TestSpark {
  private static SparkSession spark;
  private static Path scratch;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (spark == null) {
      scratch = temporaryFolder("planwatch-test-");
      spark = SessionFactory.create("planwatch tests", Warehouse.at(scratch.resolve("default-warehouse").toString()),
          MetastoreMode.NONE, Map.of(
              "spark.master", "local[2]",
              "spark.ui.enabled", "false",
              "spark.sql.shuffle.partitions", "2",
              "spark.default.parallelism", "2",
              "spark.databricks.delta.snapshotPartitions", "2",
              "spark.driver.host", "localhost"));
    }
    return spark;
  }

  /** The repository root (Surefire passes it; from an IDE, the working directory's parent). */
  public static Path repo() {
    String configured = System.getProperty("planwatch.repo");
    Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    root = root.toAbsolutePath().normalize();
    while (root != null && !Files.isDirectory(root.resolve("datasets"))) {
      root = root.getParent();
    }
    if (root == null) {
      throw new IllegalStateException("cannot find the repository's datasets/ folder; set -Dplanwatch.repo");
    }
    return root;
  }

  public static Path datasets() {
    return repo().resolve("datasets");
  }

  /**
   * A new folder under the system's temporary folder, removed with everything in it when the test JVM
   * ends (a suite left some 70 MB of warehouses behind each time); {@code -Dplanwatch.test.keepFolders=true}
   * keeps them, to look at what a failed test wrote.
   */
  public static synchronized Path temporaryFolder(String prefix) {
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Path folder = Files.createTempDirectory(base, prefix);
      if (!Boolean.getBoolean("planwatch.test.keepFolders")) {
        if (created.isEmpty()) {
          Runtime.getRuntime().addShutdownHook(new Thread(TestSpark::removeCreated, "planwatch test folders"));
        }
        created.add(folder);
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final List<Path> created = new ArrayList<>();

  private static void removeCreated() {
    List<Path> folders;
    synchronized (TestSpark.class) {
      folders = new ArrayList<>(created);
    }
    for (Path folder : folders) {
      try {
        TestDatasets.deleteRecursively(folder);
      } catch (UncheckedIOException gone) {
        // Removed already (a test deleted it), or a file vanished while walking: nothing left to do.
      }
    }
  }
}
