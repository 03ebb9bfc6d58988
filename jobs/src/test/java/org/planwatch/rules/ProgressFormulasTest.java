package org.planwatch.rules;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/** The rounded comparisons of {@link ProgressFormulas}: Spark's round to 9 decimals, only where it can matter. */
class ProgressFormulasTest {
  private final SparkSession spark = TestSpark.session();

  private Row compared(Double a, Double b) {
    StructType pair = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
    return spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(a, b)), pair)
        .select(ProgressFormulas.atLeast(col("a"), col("b")), ProgressFormulas.sameAs(col("a"), col("b"))).first();
  }

  @Test
  void binaryNoiseDoesNotDecideARating() {
    // 0.1 + 0.2 is 0.30000000000000004: a rate of 0.3 still reaches it, and equals it.
    assertEquals(List.of(true, true), List.of(compared(0.3, 0.1 + 0.2).getBoolean(0), compared(0.3, 0.1 + 0.2).getBoolean(1)));
    // 36.1% achieved against 36.1% of time gone, computed as 0.361000000001: reached.
    assertEquals(true, compared(0.361, 0.361000000001).getBoolean(0));
    // A difference at the ninth decimal does count.
    assertEquals(false, compared(0.361, 0.361000002).getBoolean(0));
    assertEquals(false, compared(0.361, 0.361000002).getBoolean(1));
    assertNull(compared(null, 0.3).get(0));
    assertNull(compared(0.3, null).get(1));
  }

  @Test
  void givesTheComparisonOfSparksRoundedValuesForAMillionPairs() {
    Dataset<Row> pairs = spark.range(1_000_000).select(
        rand(1).multiply(2).as("rate"),
        pow(rand(2), lit(3)).multiply(1e8).as("level"),
        // Nine decimals' halves, computed two ways: each just above or below the exact half.
        floor(rand(3).multiply(1e12)).divide(1e9).plus(lit(0.5e-9)).as("tie"),
        // How far apart: from 1e-13 to 1e-5, either way.
        rand(4).minus(0.5).multiply(pow(lit(10.0), floor(rand(5).multiply(9)).minus(13))).as("delta"));
    Column[] differ = Arrays.stream(new String[] {"rate", "level", "tie"}).flatMap(name -> {
      Column a = col(name);
      Column b = col(name).plus(col("delta"));
      return java.util.stream.Stream.of(
          mismatches(ProgressFormulas.atLeast(a, b), round(a, 9).geq(round(b, 9))).as(name + " at least"),
          mismatches(ProgressFormulas.atLeast(b, a), round(b, 9).geq(round(a, 9))).as(name + " at most"),
          mismatches(ProgressFormulas.sameAs(a, b), round(a, 9).equalTo(round(b, 9))).as(name + " same"));
    }).toArray(Column[]::new);
    Row counts = pairs.agg(differ[0], Arrays.copyOfRange(differ, 1, differ.length)).first();
    for (int i = 0; i < differ.length; i++) {
      assertEquals(0L, counts.getLong(i), counts.schema().fieldNames()[i] + ": pairs compared otherwise than rounded");
    }
    // The pairs include those the rounding decides: apart, yet the same once rounded.
    long decidedByRounding = pairs.where(col("delta").notEqual(0).and(round(col("tie"), 9).equalTo(round(col("tie").plus(col("delta")), 9)))).count();
    assertTrue(decidedByRounding > 100_000, decidedByRounding + " pairs");
  }

  @Test
  void nanAndInfinitiesCompareAsRounded() {
    double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1.5};
    for (double a : odd) {
      for (double b : odd) {
        Row fast = compared(a, b);
        Row rounded = spark.createDataset(List.of(a), Encoders.DOUBLE()).toDF("a").withColumn("b", lit(b))
            .select(round(col("a"), 9).geq(round(col("b"), 9)), round(col("a"), 9).equalTo(round(col("b"), 9))).first();
        assertEquals(rounded.getBoolean(0), fast.getBoolean(0), a + " >= " + b);
        assertEquals(rounded.getBoolean(1), fast.getBoolean(1), a + " = " + b);
      }
    }
  }

  private static Column mismatches(Column fast, Column rounded) {
    return sum(when(fast.eqNullSafe(rounded), 0).otherwise(1));
  }
}
