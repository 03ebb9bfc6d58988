package org.planwatch.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Column names as the Spark Java API takes them, and column expressions Spark has but runs slowly. */
public final class Columns {
  private Columns() {}

  /** The named columns, for {@code select}. */
  public static Column[] of(List<String> names) {
    return names.stream().map(functions::col).toArray(Column[]::new);
  }

  /** The names as a Scala sequence, for {@code join(other, usingColumns)}. */
  public static scala.collection.Seq<String> seq(List<String> names) {
    return scala.collection.JavaConverters.asScalaBuffer(names).toSeq();
  }

  /** 2^52: below it, a double holds every whole number and its halves. */
  private static final double WHOLE_UNITS = 4503599627370496.0;

  /**
   * A double rounded half up to {@code decimals} places: the same double as Spark's {@code round(x,
   * decimals)}, which goes through {@code BigDecimal.valueOf(x)}: a {@code Double.toString} per value
   * (14% of gold's executor samples in a base run's profile; docs/performance.md has what this
   * saved). Here t = x * 10^decimals is rounded to the nearest whole number k, and k / 10^decimals is
   * the double nearest that decimal, as BigDecimal gives it. That is
   * exact unless t lies near a half, where the rounding errors of t, and of the decimal string
   * BigDecimal reads, could put it on the other side (a margin of 1e-15 of t, about nine units in the
   * last place), or t is too large for a whole number of units (floor would saturate at Long.MAX_VALUE).
   * Those values, NaN and the infinities go to Spark's {@code round}. {@code ColumnsTest} compares both
   * on a million values, ties among them.
   *
   * <p>For a column, not a formula: x appears five times, so a formula becomes a common subexpression of
   * its own, and in the projection that computes the ratings such formulas grew the generated code past
   * the JVM's 64 KB per method (Spark then runs the stage without whole-stage code generation).
   */
  public static Column round(Column x, int decimals) {
    double scale = Math.pow(10, decimals);
    Column t = x.multiply(lit(scale));
    Column fraction = t.minus(floor(t));
    Column awayFromHalf = abs(fraction.minus(lit(0.5))).gt(abs(t).multiply(lit(1e-15)).plus(lit(1e-6)));
    return when(abs(t).lt(lit(WHOLE_UNITS)).and(awayFromHalf), floor(t.plus(lit(0.5))).divide(lit(scale)))
        .otherwise(functions.round(x, decimals));
  }
}
