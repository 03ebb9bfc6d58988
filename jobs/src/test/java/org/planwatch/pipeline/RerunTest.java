package org.planwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.delta.WriteResult;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestDatasets;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/** Reruns change nothing; a new actual changes only the rows it affects (seen in the change data feed). */
class RerunTest {
  private final SparkSession spark = TestSpark.session();

  private static Map<String, Long> versions(RunSummary summary) {
    return summary.writes().stream().collect(Collectors.toMap(WriteResult::table, WriteResult::version));
  }

  @Test
  void rerunWithTheSameInputsWritesNothing() {
    TestWarehouses.Built first = TestWarehouses.curated();
    TestWarehouses.Built again = TestWarehouses.runInto(first.warehouse(), first.root(), TestSpark.datasets(), TestWarehouses.MID_TERM);
    for (WriteResult w : again.summary().writes()) {
      assertEquals(0, w.inserted() + w.updated() + w.deleted(), w.table() + " changed on rerun: " + w);
    }
    assertEquals(versions(first.summary()), versions(again.summary()), "no table got a new version");
  }

  @Test
  void oneNewActualChangesOnlyItsOwnRows() throws IOException {
    TestWarehouses.Built curated = TestWarehouses.curated();
    Path root = TestDatasets.copyOfFolder(curated.root());
    Warehouse copy = Warehouse.at(root.toString());
    Path datasets = TestDatasets.copyOfCurated();
    // A fictional full-year 2023 urbanisation rate for Huzhou, in a file of its own.
    Files.writeString(datasets.resolve("observations/zz_2023.csv"),
        "region_code,indicator_code,period_start,period_end,period_label,value_kind,value,value_text,statistical_scope,status_met,source_doc,source_table,source_line,note\n"
            + "330500,urbanisation_rate_resident,2023-01-01,2023-12-31,2023,level,67.2,67.2,,,test,test,2,fictional test row\n",
        StandardCharsets.UTF_8);
    long before = version(copy, "gold", "indicator_progress");
    TestWarehouses.Built after = TestWarehouses.runInto(copy, root, datasets, TestWarehouses.MID_TERM);

    Map<String, WriteResult> writes = after.summary().writes().stream().collect(Collectors.toMap(WriteResult::table, w -> w));
    assertEquals(1, writes.get("silver.observation").inserted());
    assertEquals(0, writes.get("silver.observation").updated() + writes.get("silver.observation").deleted());
    assertEquals(0, writes.get("silver.plan_target").inserted() + writes.get("silver.plan_target").updated());

    List<Row> changes = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", before + 1)
        .load(copy.location("gold", "indicator_progress"))
        .selectExpr("plan_id", "region_code", "indicator_code", "CAST(as_of AS STRING)", "_change_type", "round(achievement_rate, 4)")
        .orderBy("_change_type").collectAsList();
    // (67.2 - 65.6) / (72 - 65.6) = 25%: one new row at 2023-12-31, nothing else touched.
    assertEquals(List.of(RowFactory.create("huzhou_14", "330500", "urbanisation_rate_resident", "2023-12-31", "insert", 0.25)), changes);

    // Yesterday's figures by time: the time DESCRIBE HISTORY shows for the version before the run,
    // as a statistician copies it into TIMESTAMP AS OF (session time zone, Asia/Shanghai).
    String location = copy.location("gold", "indicator_progress");
    String yesterday = spark.sql("DESCRIBE HISTORY delta.`" + location + "`").where("version = " + before)
        .selectExpr("CAST(timestamp AS STRING)").first().getString(0);
    assertEquals(0, spark.sql("SELECT * FROM delta.`" + location + "` TIMESTAMP AS OF '" + yesterday + "'"
        + " WHERE indicator_code = 'urbanisation_rate_resident' AND as_of = DATE'2023-12-31' AND region_code = '330500'").count());
    assertEquals(1, spark.sql("SELECT * FROM delta.`" + location + "` WHERE indicator_code = 'urbanisation_rate_resident'"
        + " AND as_of = DATE'2023-12-31' AND region_code = '330500'").count());
  }

  private long version(Warehouse warehouse, String layer, String table) {
    return spark.sql("DESCRIBE HISTORY delta.`" + warehouse.location(layer, table) + "` LIMIT 1").first().getLong(0);
  }
}
