package org.planwatch.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.testing.TestSpark;

/**
 * Line numbers survive a file read in several splits: each row's {@code input_line} is the line of
 * the file it came from, counted from the header (line 1) and across the blank lines that give no row.
 */
class CsvInputTest {
  @TempDir Path datasets;

  @Test
  void aFileReadInManySplitsKeepsItsLineNumbers() throws IOException {
    TableSchema bronze = Schemas.of("bronze.observation");
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", CsvInput.csvColumns(bronze)));
    for (int line = 2; line <= 400; line++) {
      if (line % 50 == 0) {
        lines.add("");
      } else if (line == 333) {
        lines.add("330502,gdp,2021-01-01");
      } else {
        // Huzhou's 2021 GDP, once per line; the line's own number in source_line.
        lines.add("330500,gdp,2021-01-01,2021-12-31,2021,level,3644.9,3644.9,,,000,表1," + line + ",");
      }
    }
    Path observations = Files.createDirectories(datasets.resolve("observations"));
    Files.writeString(observations.resolve("huzhou.csv"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

    SparkSession spark = TestSpark.session();
    String before = spark.conf().get("spark.sql.files.maxPartitionBytes");
    spark.conf().set("spark.sql.files.maxPartitionBytes", "2k");
    try {
      Dataset<Row> rows = new CsvInput(spark, datasets.toString()).read(bronze, new Timestamp(0L), file -> true).rows();
      assertTrue(rows.rdd().getNumPartitions() > 10, "the file is read in " + rows.rdd().getNumPartitions() + " splits");
      List<Row> read = rows.orderBy("input_line").select("input_file", "input_line", "source_line", "read_error").collectAsList();
      // 399 lines after the header, of which 8 blank (50, 100, ..., 400).
      assertEquals(391, read.size());
      for (Row row : read) {
        long line = row.getLong(1);
        assertEquals("observations/huzhou.csv", row.getString(0));
        if (line == 333) {
          assertEquals("wrong number of fields: expected 14, found 3", row.getString(3));
        } else {
          assertEquals(String.valueOf(line), row.getString(2), "the row read at line " + line);
          assertNull(row.get(3));
        }
      }
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", before);
    }
  }
}
