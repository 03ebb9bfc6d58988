package org.planwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.LauncherOptions;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * bin/planwatch runs a command over small data without Spark's code generation (its "quick" mode,
 * bin/lib/jit-mode.bash, read here as bash prints it): Spark then evaluates every expression
 * interpreted. A run of today's datasets that way writes the same silver and gold rows, row for row, as
 * the run with generated code.
 */
class InterpretedRunTest {
  @Test
  void aRunWithoutCodeGenerationWritesTheSameRows() {
    Map<String, String> quick = LauncherOptions.quickSparkSettings();
    assertEquals("false", quick.get("spark.sql.codegen.wholeStage"), quick.toString());
    assertEquals("NO_CODEGEN", quick.get("spark.sql.codegen.factoryMode"), quick.toString());
    TestWarehouses.Built generated = TestWarehouses.curated();
    SparkSession spark = TestSpark.session();
    Map<String, String> before = new java.util.HashMap<>();
    quick.keySet().forEach(key -> before.put(key, spark.conf().get(key)));
    Warehouse interpreted = Warehouse.at(TestSpark.temporaryFolder("planwatch-wh-").toString());
    // The catalog switched before: Spark's interpreted decoding of spark.catalog().listTables (which
    // the switch uses, planwatch does not) fails in 3.5.4 ("argument type mismatch" in catalog.Table).
    TestWarehouses.use(interpreted);
    RunSummary summary;
    try {
      quick.forEach(spark.conf()::set);
      summary = new NightlyRun(spark, new DeltaTables(spark, interpreted),
          new RunSettings(TestSpark.datasets().toString(), TestWarehouses.MID_TERM, -1)).execute();
    } finally {
      before.forEach(spark.conf()::set);
    }
    List<String> compared = new ArrayList<>();
    for (WriteResult write : summary.writes()) {
      String table = write.table();
      if (!table.startsWith("silver.") && !table.startsWith("gold.")) {
        continue;
      }
      String[] name = table.split("\\.");
      Dataset<Row> ours = spark.read().format("delta").load(interpreted.location(name[0], name[1]));
      Dataset<Row> theirs = spark.read().format("delta").load(generated.warehouse().location(name[0], name[1]));
      assertEquals(0, ours.exceptAll(theirs).count(), table + ": rows only in the interpreted run");
      assertEquals(0, theirs.exceptAll(ours).count(), table + ": rows only in the run with generated code");
      compared.add(table);
    }
    assertTrue(compared.containsAll(List.of("silver.observation", "gold.indicator_progress", "gold.region_scorecard")), compared.toString());
    assertEquals(152, spark.read().format("delta").load(interpreted.location("gold", "indicator_progress")).count());
    TestWarehouses.curated();
  }
}
