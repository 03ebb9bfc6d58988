package org.planwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.schema.Schemas;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestDatasets;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * {@code planwatch maintain} on two tables of the curated warehouse, each written by one run as two
 * small files: OPTIMIZE compacts them into one without changing a row, VACUUM keeps the compacted-away
 * files for the retention (time travel still works) and deletes them once they are older; a retention
 * under 7 days is refused unless forced.
 */
class MaintainCommandTest {
  private static final List<String> TABLES = List.of("bronze.observation", "gold.indicator_progress");

  private final SparkSession spark = TestSpark.session();

  @Test
  void optimizeCompactsWithoutChangingRowsAndVacuumKeepsTimeTravelForTheRetention() throws IOException {
    Warehouse curated = TestWarehouses.curated().warehouse();
    Path root = TestSpark.temporaryFolder("planwatch-maintain-");
    Warehouse warehouse = Warehouse.at(root.toString());
    for (String table : TABLES) {
      Path copy = TestDatasets.copyOfFolder(folder(curated, table));
      Files.createDirectories(folder(warehouse, table).getParent());
      Files.move(copy, folder(warehouse, table));
      assertEquals(2, dataFiles(warehouse, table), table + " as the run wrote it");
    }

    String week = maintain(warehouse, MaintainCommand.SAFE_RETENTION_HOURS);
    // table, optimize: removed, added, vacuum: deleted, version. The run left version 1; OPTIMIZE
    // commits version 2, and VACUUM records its start and end in the log as versions 3 and 4.
    assertTrue(week.contains(String.format("%-34s %17d %11d %16d %8d", "bronze.observation", 2, 1, 0, 4)), week);
    assertTrue(week.contains(String.format("%-34s %17d %11d %16d %8d", "gold.indicator_progress", 2, 1, 0, 4)), week);
    assertTrue(week.contains("optimize: 4 small files compacted into 2; vacuum: 0 unreferenced files deleted"), week);
    for (String table : TABLES) {
      assertSameRows(table, curated, warehouse);
      assertEquals(3, dataFiles(warehouse, table), table + ": the two compacted files stay for the retention");
      // Time travel to the run's version still reads its files (rows collected: count() is answered
      // from the log's statistics without opening a file).
      assertEquals(table(curated, table).count(), versionAsOf(warehouse, table, 1).collectAsList().size(), table);
    }

    // With --force and no retention, the compacted-away files go, and time travel to before OPTIMIZE with them.
    String now = maintain(warehouse, 0);
    assertTrue(now.contains("optimize: 0 small files compacted into 0; vacuum: 4 unreferenced files deleted"), now);
    for (String table : TABLES) {
      assertSameRows(table, curated, warehouse);
      assertEquals(1, dataFiles(warehouse, table), table);
      assertThrows(Exception.class, () -> versionAsOf(warehouse, table, 1).collectAsList(), table);
    }
    assertEquals("true", spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", "true"),
        "Delta's retention check is back on for the session");
  }

  @Test
  void aRetentionUnderSevenDaysIsRefusedWithoutForce() {
    Path root = TestSpark.temporaryFolder("planwatch-maintain-refused-");
    assertEquals(ExitCode.USAGE, PlanwatchCli.execute("maintain", "--warehouse", root.toString(), "--retain-hours", "24"));
  }

  private String maintain(Warehouse warehouse, long retainHours) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MaintainCommand.maintain(spark, warehouse, retainHours, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private Dataset<Row> table(Warehouse warehouse, String table) {
    return spark.read().format("delta").load(warehouse.location(Schemas.of(table)));
  }

  private Dataset<Row> versionAsOf(Warehouse warehouse, String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(warehouse.location(Schemas.of(table)));
  }

  private static Path folder(Warehouse warehouse, String table) {
    return Path.of(warehouse.location(Schemas.of(table)).replaceFirst("^file:", ""));
  }

  private void assertSameRows(String table, Warehouse expected, Warehouse actual) {
    Dataset<Row> before = table(expected, table);
    Dataset<Row> after = table(actual, table);
    assertEquals(before.count(), after.count(), table);
    assertEquals(0, before.exceptAll(after).count(), table + ": rows lost");
    assertEquals(0, after.exceptAll(before).count(), table + ": rows gained");
  }

  private static long dataFiles(Warehouse warehouse, String table) throws IOException {
    try (Stream<Path> files = Files.list(folder(warehouse, table))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
