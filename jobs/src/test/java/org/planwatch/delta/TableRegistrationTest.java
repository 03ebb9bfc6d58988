package org.planwatch.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.schema.Schemas;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/** A warehouse copied without its metastore (a restore, a new metastore): its tables are registered again, as they are. */
class TableRegistrationTest {
  private final SparkSession spark = TestSpark.session();

  @Test
  void aTableOnDiskUnknownToTheCatalogIsRegisteredAsItIs() {
    TestWarehouses.Built curated = TestWarehouses.curated();
    DeltaTables tables = new DeltaTables(spark, curated.warehouse());
    for (String table : new String[] {"silver.indicator", "silver.quarantine"}) {
      String location = curated.warehouse().location(Schemas.of(table));
      long rows = spark.read().format("delta").load(location).count();
      spark.sql("DROP TABLE " + table); // an external table: the catalog entry goes, the files stay
      assertFalse(spark.catalog().tableExists(table));

      // silver.quarantine (no rows) carries its content digest as a table property beyond the declared
      // ones: registering must not declare properties (Delta refuses a CREATE whose properties differ).
      tables.ensure(Schemas.of(table));
      assertTrue(spark.catalog().tableExists(table), table);
      assertEquals(rows, spark.table(table).count(), table);
    }
    assertEquals(1, spark.sql("SHOW TBLPROPERTIES silver.quarantine").where("key = 'planwatch.content'").count());
  }
}
