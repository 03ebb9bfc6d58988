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

/** The CHECK constraints of schemas/ are on the Delta tables and refuse rows outside their range. */
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
}
