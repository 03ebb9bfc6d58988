package org.planwatch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/** {@link Columns#round}: Spark's round, half up, to the last bit, without a decimal string per value. */
class ColumnsTest {
  private final SparkSession spark = TestSpark.session();

  private Double rounded(Double x, int decimals) {
    Dataset<Row> one = spark.createDataset(Arrays.asList(x), Encoders.DOUBLE()).toDF("x");
    return one.select(Columns.round(col("x"), decimals)).as(Encoders.DOUBLE()).first();
  }

  @Test
  void roundsHalfUpAsPublishedFiguresRead() {
    // What gold.indicator_progress rounds to 10 decimals for: binary noise of a sum.
    assertEquals(0.3, rounded(0.1 + 0.2, 10));
    assertEquals(-0.3, rounded(-(0.1 + 0.2), 10));
    assertEquals(36.06, rounded(36.06, 10));
    // Any number of decimals: 30 months in years, to 6.
    assertEquals(2.5, rounded(30 / 12.0, 6));
    // A half at the last place goes up (away from zero), as BigDecimal.ROUND_HALF_UP does.
    assertEquals(1.0000000001, rounded(1.00000000005, 10));
    assertEquals(-1.0000000001, rounded(-1.00000000005, 10));
    assertEquals(0.0, rounded(-1e-12, 10));
    // Too many units for a long: Spark's round.
    assertEquals(123456789012.25, rounded(123456789012.25, 10));
    assertEquals(Double.NaN, rounded(Double.NaN, 10));
    assertEquals(Double.POSITIVE_INFINITY, rounded(Double.POSITIVE_INFINITY, 10));
    assertNull(rounded(null, 10));
  }

  @Test
  void givesSparksRoundForAMillionValuesTiesAmongThem() {
    long n = 1_000_000;
    Dataset<Row> values = spark.range(n).select(
        rand(1).multiply(2).as("rate"),
        rand(2).multiply(5000).as("level"),
        rand(3).divide(rand(4)).as("ratio"),
        col("id").divide(7).as("seventh"),
        pow(rand(5), lit(3)).multiply(1e6).as("large"),
        pow(rand(9), lit(3)).multiply(1e14).as("huge"),
        rand(6).minus(0.5).multiply(1e-3).as("small"),
        // Halves at the eleventh decimal, computed two ways: each lands just above or below the exact half.
        floor(rand(7).multiply(1e12)).divide(1e10).plus(lit(0.5e-10)).as("tie"),
        floor(rand(8).multiply(1e12)).plus(lit(0.5)).divide(1e10).as("tie_from_units"));
    List<String> names = Arrays.asList(values.columns());
    List<org.apache.spark.sql.Column> differ = new ArrayList<>();
    for (String c : names) {
      differ.add(functions.sum(when(Columns.round(col(c), 10).equalTo(functions.round(col(c), 10)).unary_$bang(), 1).otherwise(0)).as(c));
    }
    Row counts = values.agg(differ.get(0), differ.subList(1, differ.size()).toArray(org.apache.spark.sql.Column[]::new)).first();
    for (int i = 0; i < names.size(); i++) {
      assertEquals(0L, counts.getLong(i), names.get(i) + ": values that differ from Spark's round");
    }
  }
}
