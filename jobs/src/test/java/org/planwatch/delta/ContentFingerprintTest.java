package org.planwatch.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.planwatch.bronze.CsvInput;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.testing.TestSpark;

/**
 * A first write of a table sliced by input file shuffles its rows into ranges of files unless each
 * partition already holds one file's rows, as bronze's do (read file by file): the fingerprint tells.
 */
class ContentFingerprintTest {
  @TempDir Path datasets;

  @Test
  void rowsReadFileByFileHoldOneSlicePerPartition() throws IOException {
    TableSchema bronze = Schemas.of("bronze.observation");
    String header = String.join(",", CsvInput.csvColumns(bronze));
    Path observations = Files.createDirectories(datasets.resolve("observations"));
    // Huzhou's GDP in 2021 and 2022 (000, 表1), a file each.
    Files.writeString(observations.resolve("2021.csv"), header + "\n330500,gdp,2021-01-01,2021-12-31,2021,level,3644.9,3644.9,,,000,表1,2,\n",
        StandardCharsets.UTF_8);
    Files.writeString(observations.resolve("2022.csv"), header + "\n330500,gdp,2022-01-01,2022-12-31,2022,level,3850,3850,,,000,表1,2,\n",
        StandardCharsets.UTF_8);
    Dataset<Row> rows = new CsvInput(TestSpark.session(), datasets.toString()).read(bronze, new Timestamp(0L), file -> true).rows();

    ContentFingerprint asRead = ContentFingerprint.of(rows, bronze);
    assertEquals(Set.of("observations/2021.csv", "observations/2022.csv"), asRead.slices());
    assertTrue(asRead.slicesApart());
    assertFalse(ContentFingerprint.of(rows.coalesce(1), bronze).slicesApart(), "both files in one partition");
    assertFalse(ContentFingerprint.of(rows.repartition(4).union(rows.repartition(4)), bronze).slicesApart(), "spread over partitions");
  }
}
