package org.planwatch.delta;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * Writes of a table sliced by date ({@code -- slice: as_of}), with the curated evaluation of Huzhou and
 * Wuxing: a write compares and rewrites only the dates whose rows changed, and notices a change made by hand.
 */
class SlicedWritesTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void onlyTheChangedDatesAreComparedAndWritten() {
    Dataset<Row> curated = spark.read().format("delta")
        .load(TestWarehouses.curated().warehouse().location(IndicatorProgress.SCHEMA)).localCheckpoint();
    Path root = TestSpark.temporaryFolder("planwatch-sliced-");
    Warehouse warehouse = Warehouse.at(root.toString());
    TestWarehouses.use(warehouse);
    DeltaTables tables = new DeltaTables(spark, warehouse);
    String location = warehouse.location(IndicatorProgress.SCHEMA);
    WriteScope upToMidTerm = WriteScope.upTo(TestWarehouses.MID_TERM);

    WriteResult first = tables.merge(IndicatorProgress.SCHEMA, curated, upToMidTerm);
    assertEquals(curated.count(), first.inserted());

    // The same rows again: the digests of every date match, nothing is read or written.
    WriteResult same = tables.merge(IndicatorProgress.SCHEMA, curated, upToMidTerm);
    assertEquals(0, same.inserted() + same.updated() + same.deleted());
    assertEquals(first.version(), same.version());

    // Huzhou's 2022 urbanisation rate revised, its 2021 R&D share row gone, and one 2023 year-end row new:
    // three dates change, and the MERGE is given those three changes only.
    Column huzhouUrbanisation2022 = keyIs("huzhou_14", "330500", "urbanisation_rate_resident", "2022-12-31");
    Row urbanisation = curated.where(huzhouUrbanisation2022).first();
    Dataset<Row> night = curated
        .withColumn("achievement_rate", when(huzhouUrbanisation2022, lit(0.5)).otherwise(col("achievement_rate")))
        .where(keyIs("huzhou_14", "330500", "rnd_share_gdp", "2021-12-31").unary_$bang())
        .unionByName(curated.where(huzhouUrbanisation2022).withColumn("as_of", lit(java.sql.Date.valueOf("2023-12-31"))));
    long rnd2021 = curated.where(keyIs("huzhou_14", "330500", "rnd_share_gdp", "2021-12-31")).count();
    WriteResult changed = tables.merge(IndicatorProgress.SCHEMA, night, upToMidTerm);
    assertEquals(List.of(1L, 1L, rnd2021), List.of(changed.inserted(), changed.updated(), changed.deleted()));
    assertEquals(first.version() + 1, changed.version());
    Row metrics = spark.sql("DESCRIBE HISTORY delta.`" + location + "` LIMIT 1").selectExpr("operationMetrics['numSourceRows']").first();
    assertEquals(String.valueOf(2 + rnd2021), metrics.getString(0));
    assertEquals(0.5, spark.read().format("delta").load(location).where(huzhouUrbanisation2022).first().getAs("achievement_rate"));
    assertEquals(urbanisation.<Double>getAs("actual_value"),
        spark.read().format("delta").load(location).where(keyIs("huzhou_14", "330500", "urbanisation_rate_resident", "2023-12-31"))
            .first().<Double>getAs("actual_value"));

    // A run up to 2022 leaves the 2023 rows alone; a row given for a date outside its scope is refused.
    Dataset<Row> upTo2022 = night.where(col("as_of").leq(lit(java.sql.Date.valueOf("2022-12-31"))));
    WriteResult earlier = tables.merge(IndicatorProgress.SCHEMA, upTo2022, WriteScope.upTo(LocalDate.of(2022, 12, 31)));
    assertEquals(0, earlier.inserted() + earlier.updated() + earlier.deleted());
    assertEquals(night.count(), earlier.rows(), "the table's rows, 2023 included");
    assertThrows(IllegalArgumentException.class,
        () -> tables.merge(IndicatorProgress.SCHEMA, night, WriteScope.upTo(LocalDate.of(2022, 12, 31))));

    // A row deleted by hand: the last commit recorded no digests, so every date is compared and the row comes back.
    spark.sql("DELETE FROM delta.`" + location + "` WHERE plan_id = 'huzhou_14' AND as_of = DATE'2023-12-31'");
    WriteResult repaired = tables.merge(IndicatorProgress.SCHEMA, night, upToMidTerm);
    assertEquals(RowFactory.create(1L, 0L, 0L), RowFactory.create(repaired.inserted(), repaired.updated(), repaired.deleted()));
    assertEquals(night.count(), spark.read().format("delta").load(location).count());
    assertEquals(0, night.exceptAll(spark.read().format("delta").load(location)).count());

    // A date the table holds no row for (the digests list every date it holds): its rows are appended
    // as they are, without reading the table, and the count of inserts is the digest's.
    java.sql.Date thirdQuarter = java.sql.Date.valueOf("2023-09-30");
    Dataset<Row> firstHalf = night.where(col("as_of").equalTo(lit(java.sql.Date.valueOf("2023-06-30"))));
    Dataset<Row> withNewDate = night.unionByName(firstHalf.withColumn("as_of", lit(thirdQuarter)));
    WriteResult newDate = tables.merge(IndicatorProgress.SCHEMA, withNewDate, upToMidTerm);
    assertEquals(RowFactory.create(firstHalf.count(), 0L, 0L), RowFactory.create(newDate.inserted(), newDate.updated(), newDate.deleted()));
    assertEquals(java.util.Optional.of(java.util.Set.of("2023-09-30")), newDate.changedSlices());
    assertEquals("WRITE", spark.sql("DESCRIBE HISTORY delta.`" + location + "` LIMIT 1").first().getAs("operation"));
    Dataset<Row> stored = spark.read().format("delta").load(location);
    assertEquals(withNewDate.count(), stored.count());
    assertEquals(0, withNewDate.exceptAll(stored).count());
    // The digests recorded with the append describe the table: the same rows again change nothing.
    WriteResult again = tables.merge(IndicatorProgress.SCHEMA, withNewDate, upToMidTerm);
    assertEquals(0, again.inserted() + again.updated() + again.deleted());
    assertEquals(newDate.version(), again.version());
  }

  private static Column keyIs(String plan, String region, String indicator, String asOf) {
    return col("plan_id").equalTo(plan).and(col("region_code").equalTo(region)).and(col("indicator_code").equalTo(indicator))
        .and(col("as_of").equalTo(lit(java.sql.Date.valueOf(asOf))));
  }
}
