package org.planwatch.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.testing.TestSpark;
import scala.collection.JavaConverters;

/**
 * The rows {@code planwatch serve} holds between nights: given back only for the exact table and version
 * they were held at, in the night's own session, and let go when a newer version replaces them.
 */
class HeldTablesTest {
  private final SparkSession spark = TestSpark.session();
  private final TableSchema region = Schemas.of("silver.region");

  /** Two rows of datasets/regions: Huzhou city and Wuxing district. */
  private Dataset<Row> regions(String wuxingName) {
    Dataset<Row> rows = spark.createDataFrame(List.of(
        RowFactory.create("330500", "330000", "city", "湖州市", "Huzhou City", "000_66bfa2501842d5a5.txt", "lines 3-6 (title)", null,
            "regions/regions.csv", 3L),
        RowFactory.create("330502", "330500", "district", wuxingName, "Wuxing District", "001_75e87325c0785536.txt", "lines 3-19 (title)",
            null, "regions/regions.csv", 4L)), region.columns());
    return rows.localCheckpoint();
  }

  @Test
  void givesTheRowsBackForTheVersionTheyWereHeldAtOnly() {
    HeldTables held = HeldTables.acrossRuns();
    DeltaTables.TableState version3 = new DeltaTables.TableState("table-id", 3);
    Dataset<Row> rows = held.holdWritten(region, version3, regions("吴兴区"));

    SparkSession night = spark.newSession();
    Dataset<Row> back = held.rowsAt(night, region, version3).orElseThrow();
    assertEquals(night, back.sparkSession());
    assertEquals(0, back.exceptAll(rows).count());
    assertEquals(0, rows.exceptAll(back).count());
    assertEquals(2, back.count());
    // Read twice in one query: each read has column ids of its own.
    Dataset<Row> parents = held.rowsAt(night, region, version3).orElseThrow();
    assertEquals(List.of(RowFactory.create("吴兴区", "湖州市")),
        back.join(parents, back.col("parent_code").equalTo(parents.col("region_code")))
            .select(back.col("name_zh"), parents.col("name_zh")).collectAsList());

    assertEquals(Optional.empty(), held.rowsAt(night, region, new DeltaTables.TableState("table-id", 4)), "a later commit");
    assertEquals(Optional.empty(), held.rowsAt(night, region, new DeltaTables.TableState("other-id", 3)), "the table created again");
    assertEquals(Optional.empty(), held.rowsAt(night, Schemas.of("silver.plan"), version3), "another table");
  }

  @Test
  void aWriteReadsCheckpointedRowsAsTheyAreAndHoldsOthersOnce() {
    Dataset<Row> checkpointed = regions("吴兴区");
    assertTrue(DeltaTables.readsHeldRows(checkpointed));
    assertTrue(DeltaTables.readsHeldRows(checkpointed.select("name_zh", "region_code")), "columns picked from held rows");
    assertFalse(DeltaTables.readsHeldRows(checkpointed.where("level = 'city'")), "a filter is computed again on each read");
    assertFalse(DeltaTables.readsHeldRows(checkpointed.selectExpr("upper(name_en) AS name_en")), "so is an expression");
    assertFalse(DeltaTables.readsHeldRows(spark.createDataFrame(checkpointed.collectAsList(), region.columns())), "rows not held");
  }

  @Test
  void aNewerVersionReplacesTheOneHeldAndLetsItGo() {
    HeldTables held = HeldTables.acrossRuns();
    Dataset<Row> first = held.holdWritten(region, new DeltaTables.TableState("table-id", 1), regions("吴兴区"));
    int firstRdd = heldRdd(first);
    assertTrue(persisted(firstRdd));
    assertTrue(HeldTables.isHeld(spark.sparkContext().getPersistentRDDs().get(firstRdd).get().name()));

    held.holdWritten(region, new DeltaTables.TableState("table-id", 2), regions("吴兴区 (renamed)"));
    assertFalse(persisted(firstRdd), "the rows of version 1 are let go");
    assertEquals("吴兴区 (renamed)", held.rowsAt(spark, region, new DeltaTables.TableState("table-id", 2)).orElseThrow()
        .where("region_code = '330502'").first().getAs("name_zh"));
  }

  @Test
  void rowsWhoseBlocksAreGoneAreReadAgain() {
    HeldTables held = HeldTables.acrossRuns();
    DeltaTables.TableState state = new DeltaTables.TableState("table-id", 1);
    Dataset<Row> rows = held.holdWritten(region, state, regions("吴兴区"));
    // As when the executor holding them is lost: a checkpoint cannot recompute its blocks.
    spark.sparkContext().getPersistentRDDs().get(heldRdd(rows)).get().unpersist(true);
    assertEquals(Optional.empty(), held.rowsAt(spark, region, state));
  }

  @Test
  void holdsNothingItCannotVouchFor() {
    DeltaTables.TableState state = new DeltaTables.TableState("table-id", 1);
    HeldTables none = HeldTables.none();
    none.holdWritten(region, state, regions("吴兴区"));
    assertEquals(Optional.empty(), none.rowsAt(spark, region, state), "a process that runs once holds nothing");

    HeldTables held = HeldTables.acrossRuns();
    // silver.quarantine's first_seen_at is volatile: a write leaves the stored time, not tonight's.
    TableSchema quarantine = Schemas.of("silver.quarantine");
    held.holdWritten(quarantine, state, spark.createDataFrame(List.<Row>of(), quarantine.columns()).localCheckpoint());
    assertEquals(Optional.empty(), held.rowsAt(spark, quarantine, state));
    // Not a checkpoint: its blocks are not there to hold.
    held.hold(region, state, spark.createDataFrame(List.<Row>of(), region.columns()));
    assertEquals(Optional.empty(), held.rowsAt(spark, region, state));
    // The actuals, sliced by period: a new quarter changes them every night.
    TableSchema observation = Schemas.of("silver.observation");
    held.holdWritten(observation, state, spark.createDataFrame(List.<Row>of(), observation.columns()).localCheckpoint());
    assertEquals(Optional.empty(), held.rowsAt(spark, observation, state));
  }

  private static int heldRdd(Dataset<Row> checkpointed) {
    return ((org.apache.spark.sql.execution.LogicalRDD) checkpointed.logicalPlan()).rdd().id();
  }

  private boolean persisted(int rddId) {
    return JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).containsKey(rddId);
  }
}
