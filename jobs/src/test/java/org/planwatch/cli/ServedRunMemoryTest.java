package org.planwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import scala.collection.JavaConverters;

/**
 * What a run inside {@code planwatch serve} leaves in memory: it releases what it persisted, but for
 * Delta's cache of each table's state, which Delta releases itself when the table moves on. The name
 * Delta gives that cache is how the run tells it apart, so it is pinned here.
 */
class ServedRunMemoryTest {
  @Test
  void deltaNamesItsTableStateCacheAsTheServedRunExpects() throws Exception {
    SparkSession spark = TestSpark.session();
    Path table = TestSpark.temporaryFolder("planwatch-delta-state-");
    spark.range(3).write().format("delta").mode("overwrite").save(table.toString());
    assertEquals(3, spark.read().format("delta").load(table.toString()).count());
    List<String> states = JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).values().stream()
        .map(rdd -> rdd.name()).filter(RunCommand::isDeltaTableState).filter(name -> name.contains(table.getFileName().toString())).toList();
    assertEquals(1, states.size(), "one cached state for the table read: " + states + " among " + JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).values().stream().map(rdd -> rdd.name()).toList());
    assertTrue(states.get(0).startsWith("Delta Table State #0 - "), states.get(0));
  }

  @Test
  void checkpointsAreNotTableStates() {
    assertFalse(RunCommand.isDeltaTableState(null));
    assertFalse(RunCommand.isDeltaTableState("MapPartitionsRDD"));
  }
}
