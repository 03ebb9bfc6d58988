package org.planwatch.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioningLike;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;
import org.planwatch.testing.TestSpark;

/**
 * {@link HeldRows}: the rows of a localCheckpoint, held serialized on disk, with what the planner knew of them
 * (its partitioning, as the plan that ran left it, and its size). Pins the Spark internals it is built on.
 */
class HeldRowsTest {
  private final SparkSession spark = TestSpark.session();

  /** Huzhou's GDP (100 million yuan) as datasets/observations/huzhou.csv gives it from Table 1 of the mid-term evaluation. */
  private Dataset<Row> huzhouGdp() {
    StructType schema = new StructType().add("region_code", DataTypes.StringType).add("period_label", DataTypes.StringType)
        .add("value", DataTypes.DoubleType);
    return spark.createDataFrame(List.of(
        RowFactory.create("330500", "2021", 3644.9),
        RowFactory.create("330500", "2022", 3850.0),
        RowFactory.create("330500", "2023H1", 1867.9)), schema);
  }

  @Test
  void holdsTheRowsOnDiskWithTheirLineageCut() {
    Dataset<Row> held = HeldRows.of(huzhouGdp().where(col("period_label").notEqual("2023H1")));

    assertEquals(List.of(RowFactory.create("330500", "2021", 3644.9), RowFactory.create("330500", "2022", 3850.0)),
        held.orderBy("period_label").collectAsList());
    // A scan of the held blocks, not the query that made them: computed once.
    assertTrue(held.logicalPlan() instanceof LogicalRDD, held.logicalPlan().toString());
    LogicalRDD plan = (LogicalRDD) held.logicalPlan();
    assertEquals(StorageLevel.DISK_ONLY(), plan.rdd().getStorageLevel());
    assertFalse(plan.rdd().toDebugString().contains("Filter"), plan.rdd().toDebugString());
  }

  @Test
  void tellsThePlannerWhatLocalCheckpointTellsIt() {
    Dataset<Row> yearly = huzhouGdp().where(col("period_label").notEqual("2023H1")).groupBy("region_code").agg(sum("value").as("total"));
    LogicalRDD held = (LogicalRDD) HeldRows.of(yearly).logicalPlan();
    LogicalRDD checkpoint = (LogicalRDD) yearly.localCheckpoint().logicalPlan();
    assertEquals(checkpoint.output(), held.output());
    // The size of one row, not Spark's default for a scan it knows nothing of: a small result is still broadcast.
    assertEquals(checkpoint.computeStats(), held.computeStats());
    assertTrue(held.computeStats().sizeInBytes().longValue() < 1_000, held.computeStats().toString());
    assertEquals(List.of(RowFactory.create("330500", 7494.9)), HeldRows.of(yearly).collectAsList());
  }

  /**
   * Rows aggregated by region are held partitioned by region, as the plan that made them left them; a
   * localCheckpoint under adaptive execution forgets it, and every later step by region shuffles again.
   */
  @Test
  void keepsThePartitioningOfThePlanThatRan() {
    Dataset<Row> byRegion = huzhouGdp().groupBy("region_code").agg(sum("value").as("total"));
    Dataset<Row> held = HeldRows.of(byRegion);
    Partitioning partitioning = ((LogicalRDD) held.logicalPlan()).outputPartitioning();
    assertTrue(partitioning instanceof HashPartitioningLike, partitioning.toString());
    assertEquals(List.of("region_code"),
        JavaConverters.seqAsJavaList(((HashPartitioningLike) partitioning).expressions()).stream().map(e -> ((Attribute) e).name()).toList());
    assertTrue(((LogicalRDD) byRegion.localCheckpoint().logicalPlan()).outputPartitioning() instanceof UnknownPartitioning);

    Dataset<Row> again = held.groupBy("region_code").agg(max("total").as("total"));
    assertEquals(List.of(RowFactory.create("330500", 9362.8)), again.collectAsList());
    String ran = again.queryExecution().executedPlan().toString();
    assertFalse(ran.contains("Exchange"), ran);
  }
}
