package org.planwatch.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/**
 * {@link Checked}'s search for a repeated key, in rows spread over several tasks as a large table's
 * are (18 million observations: 36 tasks) and where they lie, as a small table's are.
 */
class CheckedTest {
  private final SparkSession spark = TestSpark.session();

  /** 2,000 actuals of Huzhou (330500) keyed by indicator number; {@code repeated} gives one number twice, in different input partitions. */
  private Dataset<Row> actuals(boolean repeated) {
    return spark.range(0, 2000, 1, 4).select(
        lit("330500").as("region_code"),
        (repeated ? when(col("id").equalTo(1999), lit(7L)).otherwise(col("id")) : col("id")).cast("string").as("indicator_code"));
  }

  @Test
  void aRepeatedKeyIsFoundWhereverItsRowsLie() {
    for (int tasks : new int[] {1, 3, 16}) {
      assertTrue(Checked.repeats(actuals(true), tasks, col("region_code"), col("indicator_code")), tasks + " tasks");
      assertTrue(Checked.repeats(actuals(true), tasks, xxhash64(col("region_code"), col("indicator_code"))), tasks + " tasks, by hash");
      assertFalse(Checked.repeats(actuals(false), tasks, col("region_code"), col("indicator_code")), tasks + " tasks");
      assertFalse(Checked.repeats(actuals(false), tasks, xxhash64(col("region_code"), col("indicator_code"))), tasks + " tasks, by hash");
    }
  }
}
