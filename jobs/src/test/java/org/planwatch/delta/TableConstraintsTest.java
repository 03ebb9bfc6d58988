package org.planwatch.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/** The CHECK constraints and table properties of schemas/ are on the Delta tables; the constraints refuse rows outside their range. */
class TableConstraintsTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void aTableIsCreatedWithItsConstraintsInOneCommit() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    String location = curated.warehouse().location("gold", "indicator_progress");
    List<Row> created = spark.sql("DESCRIBE HISTORY delta.`" + location + "`").where("version = 0").collectAsList();
    assertEquals(1, created.size());
    assertTrue(created.get(0).<String>getAs("operation").startsWith("CREATE"), created.toString());

    Row property = spark.sql("SHOW TBLPROPERTIES delta.`" + location + "` ('delta.constraints.elapsed_share_range')").first();
    assertEquals("elapsed_share BETWEEN 0 AND 1", property.getString(1));
    // The creating commit carries the constraints: no ADD CONSTRAINT commit follows it.
    assertEquals(0L, spark.sql("DESCRIBE HISTORY delta.`" + location + "`").where("operation = 'ADD CONSTRAINT'").count());
    // File statistics for the key and the slice only, not for the names and notes among the first 32 columns.
    assertEquals("plan_id,region_code,indicator_code,as_of",
        spark.sql("SHOW TBLPROPERTIES delta.`" + location + "` ('delta.dataSkippingStatsColumns')").first().getString(1));
    assertEquals("region_code,indicator_code,period_start,period_end,value_kind,statistical_scope",
        DeltaTables.statsColumns(org.planwatch.schema.Schemas.of("silver.observation")), "the slice is part of the key");
  }

  @Test
  void aRowOutsideADeclaredRangeIsRefused() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    String location = curated.warehouse().location("gold", "indicator_progress");
    long versionBefore = spark.sql("DESCRIBE HISTORY delta.`" + location + "` LIMIT 1").first().getLong(0);
    Exception refused = assertThrows(Exception.class, () ->
        spark.read().format("delta").load(location).limit(1).withColumn("elapsed_share", org.apache.spark.sql.functions.lit(1.5))
            .write().format("delta").mode("append").save(location));
    assertTrue(String.valueOf(refused.getMessage()).contains("elapsed_share_range"), refused.getMessage());
    assertEquals(versionBefore, spark.sql("DESCRIBE HISTORY delta.`" + location + "` LIMIT 1").first().getLong(0));
  }

  @Test
  void silverCodesOutsideTheirVocabularyAreRefused() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    String location = curated.warehouse().location("silver", "plan_target");
    Exception refused = assertThrows(Exception.class, () ->
        spark.read().format("delta").load(location).limit(1).withColumn("target_kind", org.apache.spark.sql.functions.lit("wish"))
            .write().format("delta").mode("append").save(location));
    assertTrue(String.valueOf(refused.getMessage()).contains("target_kind_known"), refused.getMessage());
  }

  @Test
  void theRunLogsGetTheirDeclaredCheckpointInterval_aLogMadeBeforeGetsItOnce() {
    org.planwatch.spark.Warehouse warehouse = emptyWarehouse("planwatch-properties-");
    org.planwatch.schema.TableSchema log = org.planwatch.schema.Schemas.of("ops.job_runs");
    String location = warehouse.location(log);
    new DeltaTables(spark, warehouse).ensure(log);
    // A checkpoint every 100 commits, not Delta's 10: a run commits twice to the log, and each checkpoint cost a cold rerun 4-5 s.
    assertEquals("100", spark.sql("SHOW TBLPROPERTIES delta.`" + location + "` ('delta.checkpointInterval')").first().getString(1));

    spark.sql("ALTER TABLE delta.`" + location + "` UNSET TBLPROPERTIES ('delta.checkpointInterval')");
    new DeltaTables(spark, warehouse).ensure(log);
    assertEquals("100", spark.sql("SHOW TBLPROPERTIES delta.`" + location + "` ('delta.checkpointInterval')").first().getString(1));
    new DeltaTables(spark, warehouse).ensure(log);
    assertEquals(List.of("CREATE TABLE", "UNSET TBLPROPERTIES", "SET TBLPROPERTIES"),
        spark.sql("DESCRIBE HISTORY delta.`" + location + "`").orderBy("version").select("operation").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void aDerivedTableWithOtherColumnsIsMadeAgain_aRunLogIsLeftAlone() {
    org.planwatch.spark.Warehouse warehouse = emptyWarehouse("planwatch-columns-");
    org.planwatch.schema.TableSchema region = org.planwatch.schema.Schemas.of("bronze.region");
    String location = warehouse.location(region);
    // A table of an older planwatch, one column only: the run rebuilds bronze from the datasets anyway.
    spark.sql("CREATE TABLE delta.`" + location + "` (region_code STRING) USING delta");
    new DeltaTables(spark, warehouse).ensure(region);
    assertTrue(DeltaTables.sameColumns(spark.read().format("delta").load(location).schema(), region.columns()));
    assertEquals("REPLACE TABLE", spark.sql("DESCRIBE HISTORY delta.`" + location + "` LIMIT 1").first().<String>getAs("operation"));
    assertTrue(spark.catalog().tableExists("bronze.region"), "registered by name again");
    assertEquals(12, spark.table("bronze.region").schema().fields().length);

    org.planwatch.schema.TableSchema runs = org.planwatch.schema.Schemas.of("ops.job_runs");
    String runsLocation = warehouse.location(runs);
    spark.sql("CREATE TABLE delta.`" + runsLocation + "` (run_id STRING) USING delta");
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new DeltaTables(spark, warehouse).ensure(runs));
    assertTrue(refused.getMessage().contains("has other columns than schemas/ops/job_runs.ddl; it holds history"), refused.getMessage());
    assertEquals(1, spark.read().format("delta").load(runsLocation).schema().fields().length, "the run log is not replaced");
  }

  /** A warehouse of no tables, in a new folder, whose names the catalog takes. */
  private static org.planwatch.spark.Warehouse emptyWarehouse(String prefix) {
    org.planwatch.spark.Warehouse warehouse = org.planwatch.spark.Warehouse.at(TestSpark.temporaryFolder(prefix).toString());
    TestWarehouses.use(warehouse);
    return warehouse;
  }
}
