package org.planwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.junit.jupiter.api.Test;
import org.planwatch.cli.RunCommand;
import org.planwatch.delta.HeldTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.gold.DistrictCityComparison;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.PlanConsistency;
import org.planwatch.gold.RegionScorecard;
import org.planwatch.ops.JobRuns;
import org.planwatch.ops.LastRun;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.silver.SilverStage;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestDatasets;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * Nights on one warehouse, as the scheduler runs them ({@code planwatch run}, logged in ops.job_runs and
 * ops.run_inputs). A rerun on the same files keeps every table without reading it; a new actual changes
 * only the rows it affects (seen in the change data feed), and a table written by hand is computed again;
 * a later evaluation date keeps gold too when no actual lies between the dates, recomputes gold only when
 * one does, and makes again the views that depend on the date. The nights run as {@code planwatch serve}
 * runs them: each in a session of its own, with the silver tables' rows held from one night to the next.
 */
class RerunTest {
  private final SparkSession spark = TestSpark.session();
  private final HeldTables held = HeldTables.acrossRuns();
  private final LastRun lastRun = LastRun.acrossRuns();

  @Test
  void eachNightComputesOnlyWhatItsInputsChanged() throws Exception {
    TestWarehouses.Built curated = TestWarehouses.curated();
    Path root = TestDatasets.copyOfFolder(curated.root());
    Warehouse warehouse = Warehouse.at(root.toString());
    Path datasets = TestDatasets.copyOfCurated();

    // The curated warehouse was built by a logged run; night 2 on a copy of it, with the same files:
    // every table kept as that run left it, none read or compared.
    RunSummary first = curated.summary();
    long viewMadeAt = view("bi.fact_progress").createTime();
    RunSummary second = night(warehouse, datasets, TestWarehouses.MID_TERM);
    // Same --as-of and build: the views already say what this night would make them say, and are left alone.
    assertEquals(viewMadeAt, view("bi.fact_progress").createTime());
    assertTrue(view("bi.fact_progress").viewText().get().contains("as_of <= DATE'2023-06-30'"),
        "the last evaluation date up to 2023-12-31 (Table 1's 2023 H1): " + view("bi.fact_progress").viewText().get());
    assertEquals(tables(first), second.reused());
    assertEquals(versions(first), versions(second));
    for (WriteResult w : second.writes()) {
      assertEquals(w.rows(), byTable(first).get(w.table()).rows(), w.table());
    }
    assertEquals(2L, spark.sql("SELECT count(*) FROM delta.`" + warehouse.location("ops", "job_runs") + "` WHERE status = 'succeeded'")
        .first().getLong(0));
    Path huzhou = datasets.resolve("observations/huzhou.csv");
    Row recorded = spark.sql("SELECT f.* FROM (SELECT explode(files) AS f FROM delta.`" + warehouse.location("ops", "run_inputs")
        + "`) WHERE f.input_file = 'observations/huzhou.csv'").first();
    assertEquals(RowFactory.create("bronze.observation", "observations/huzhou.csv", Files.size(huzhou), sha256(huzhou)), recorded);

    // Night 3: a fictional full-year 2023 urbanisation rate for Huzhou, in a file of its own; and Nanxun
    // deleted from bronze.region by hand, which a run must notice (the table is past the version night 2 left).
    Files.writeString(datasets.resolve("observations/zz_2023.csv"),
        "region_code,indicator_code,period_start,period_end,period_label,value_kind,value,value_text,statistical_scope,status_met,source_doc,source_table,source_line,note\n"
            + "330500,urbanisation_rate_resident,2023-01-01,2023-12-31,2023,level,67.2,67.2,,,test,test,2,fictional test row\n",
        StandardCharsets.UTF_8);
    spark.sql("DELETE FROM delta.`" + warehouse.location("bronze", "region") + "` WHERE region_code = '330503'");
    long before = version(warehouse, "gold", "indicator_progress");
    RunSummary third = night(warehouse, datasets, TestWarehouses.MID_TERM);
    // A new evaluation date up to the run date: the views are made again to show it.
    assertTrue(view("bi.fact_progress").viewText().get().contains("as_of <= DATE'2023-12-31'"), view("bi.fact_progress").viewText().get());
    long viewMadeOnNight3 = view("bi.fact_progress").createTime();
    Map<String, WriteResult> writes = byTable(third);
    assertEquals(1, writes.get("bronze.observation").inserted());
    // Sliced by file: only the new file was read, and its one row, a new key, appended (no MERGE).
    assertEquals("WRITE 1", lastOperation(warehouse, "bronze", "observation"));
    // Sliced by period: only year-end 2023 is compared, and the one new row appended.
    assertEquals("WRITE 1", lastOperation(warehouse, "silver", "observation"));
    assertEquals(byTable(first).get("bronze.observation").rows() + 1, writes.get("bronze.observation").rows());
    assertEquals(1, writes.get("bronze.region").inserted(), "the row deleted by hand is back");
    Set<String> otherBronze = tables(first).stream().filter(t -> t.startsWith("bronze.") && !t.equals("bronze.observation")
        && !t.equals("bronze.region")).collect(Collectors.toCollection(TreeSet::new));
    // Every silver table that reads regions, directly or through plans and indicators, is computed; the
    // departments' commitments read none and are kept as night 2 left them, and so is their scorecard.
    Set<String> keptTables = new TreeSet<>(otherBronze);
    keptTables.addAll(List.of("silver.commitment", "silver.commitment_quantity", "gold.commitment_scorecard"));
    assertEquals(keptTables, new TreeSet<>(third.reused()), "the other 10 bronze tables and the commitments are kept");
    assertEquals(Map.of(), third.checkedByFile(), "regions changed: every actual is checked against them again");
    assertEquals(1, writes.get("silver.observation").inserted());
    assertEquals(0, writes.get("silver.observation").updated() + writes.get("silver.observation").deleted());
    assertEquals(0, writes.get("silver.region").inserted() + writes.get("silver.region").updated());
    // Computed and compared, the tables the two changes do not reach write nothing and keep their version.
    for (String untouched : List.of("silver.plan_target", "silver.indicator", "gold.commitment_scorecard", "gold.published_reconciliation")) {
      assertEquals(0, writes.get(untouched).inserted() + writes.get(untouched).updated() + writes.get(untouched).deleted(), untouched);
      assertEquals(byTable(second).get(untouched).version(), writes.get(untouched).version(), untouched);
    }

    List<Row> changes = spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", before + 1)
        .load(warehouse.location("gold", "indicator_progress"))
        .selectExpr("plan_id", "region_code", "indicator_code", "CAST(as_of AS STRING)", "_change_type", "round(achievement_rate, 4)")
        .orderBy("_change_type").collectAsList();
    // (67.2 - 65.6) / (72 - 65.6) = 25%: one new row at 2023-12-31, nothing else touched.
    assertEquals(List.of(RowFactory.create("huzhou_14", "330500", "urbanisation_rate_resident", "2023-12-31", "insert", 0.25)), changes);

    // Yesterday's figures by time: the time DESCRIBE HISTORY shows for the version before the run,
    // as a statistician copies it into TIMESTAMP AS OF (session time zone, Asia/Shanghai).
    String location = warehouse.location("gold", "indicator_progress");
    String yesterday = spark.sql("DESCRIBE HISTORY delta.`" + location + "`").where("version = " + before)
        .selectExpr("CAST(timestamp AS STRING)").first().getString(0);
    String huzhouUrbanisation2023 = " WHERE indicator_code = 'urbanisation_rate_resident' AND as_of = DATE'2023-12-31' AND region_code = '330500'";
    assertEquals(0, spark.sql("SELECT * FROM delta.`" + location + "` TIMESTAMP AS OF '" + yesterday + "'" + huzhouUrbanisation2023).count());
    assertEquals(1, spark.sql("SELECT * FROM delta.`" + location + "`" + huzhouUrbanisation2023).count());

    // A change that leaves the rows alone (here a longer log retention) moves the version, not what is kept.
    spark.sql("ALTER TABLE delta.`" + warehouse.location("silver", "observation") + "`"
        + " SET TBLPROPERTIES ('delta.logRetentionDuration' = 'interval 60 days')");

    // Night 4, same files evaluated half a year later, as a schedule with the default --as-of (today) runs
    // them: no actual is dated after 2023-12-31, so every table is kept, gold included. The views still
    // show the evaluations up to 2023-12-31, the same rows as up to 2024-06-30, and are left alone; one
    // dropped by hand is back.
    spark.sql("DROP VIEW bi.dim_region");
    RunSummary fourth = night(warehouse, datasets, LocalDate.of(2024, 6, 30));
    assertEquals(viewMadeOnNight3, view("bi.fact_progress").createTime(), view("bi.fact_progress").viewText().get());
    assertTrue(spark.catalog().tableExists("bi.dim_region"));
    assertEquals(tables(third), fourth.reused());
    assertEquals("--as-of moved from 2023-12-31 over no dated actual or evaluation", fourth.datesMovedOver());
    assertEquals(byTable(third).get("silver.observation").version() + 1, byTable(fourth).get("silver.observation").version(),
        "kept, at the version the property change made");
    assertEquals(versions(third).get("gold.indicator_progress"), versions(fourth).get("gold.indicator_progress"));

    // Night 5, back to mid-2023: night 3's actual of 2023-12-31 lies between the dates, so gold is
    // computed, and finds the same rows up to 2023-06-30; the rows of later dates are left alone.
    RunSummary fifth = night(warehouse, datasets, LocalDate.of(2023, 6, 30));
    assertEquals(tables(third).stream().filter(t -> !t.startsWith("gold.") || t.equals("gold.commitment_scorecard"))
        .collect(Collectors.toSet()), fifth.reused());
    // Gold reads the kept silver tables from the rows held since night 3 wrote (or read) them, but for
    // silver.observation, which is not held (a new quarter changes it every night): read from Delta.
    Set<String> silverButObservation = SilverStage.READS.keySet().stream().filter(t -> !t.equals("observation"))
        .map(t -> "silver." + t).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(silverButObservation, new TreeSet<>(fifth.takenFromHeld()));
    assertEquals(null, fifth.datesMovedOver());
    WriteResult progress = byTable(fifth).get("gold.indicator_progress");
    assertEquals(0, progress.inserted() + progress.updated() + progress.deleted(), progress.toString());
    assertEquals(1, spark.sql("SELECT * FROM delta.`" + location + "`" + huzhouUrbanisation2023).count());
    assertTrue(view("bi.fact_progress").viewText().get().contains("as_of <= DATE'2023-06-30'"), view("bi.fact_progress").viewText().get());

    // Night 6, back to the mid-term date, with a file of fictional actuals: the first 2021 GDP of Wuxing's
    // 14th plan, whose target so far had a placeholder at the 2020 base date, and a revised 2022 GDP of
    // Huzhou (3999 instead of 3850). The file sorts before observations/huzhou.csv, so its row is the
    // first with that key and the stored one becomes the duplicate. Only actuals changed: silver checks
    // the new file's rows and those sharing a key with them, and the dated gold tables are computed from
    // 2021-12-31 on, plus the 2020-12-31 slice where the placeholder goes. The rows are those a
    // computation of every row and date gives.
    Path revisions = datasets.resolve("observations/aa_revisions.csv");
    Files.writeString(revisions,
        "region_code,indicator_code,period_start,period_end,period_label,value_kind,value,value_text,statistical_scope,status_met,source_doc,source_table,source_line,note\n"
            + "330502,gdp,2021-01-01,2021-12-31,2021,level,820,820,,,test,test,2,fictional test row\n"
            + "330500,gdp,2022-01-01,2022-12-31,2022,level,3999,3999,,,test,test,3,fictional revision\n",
        StandardCharsets.UTF_8);
    RunSummary sixth = night(warehouse, datasets, TestWarehouses.MID_TERM);
    assertEquals(Map.of("silver.observation", Set.of("observations/aa_revisions.csv")), sixth.checkedByFile());
    assertEquals(silverButObservation, new TreeSet<>(sixth.takenFromHeld()));
    assertEquals(Set.of("silver.observation", "silver.quarantine"),
        sixth.writes().stream().map(WriteResult::table).filter(t -> t.startsWith("silver.") && !sixth.reused().contains(t)).collect(Collectors.toSet()));
    assertEquals(List.of(RowFactory.create("observations/huzhou.csv", 3L,
            "duplicate key (region_code, indicator_code, period_start, period_end, value_kind, statistical_scope): first given at observations/aa_revisions.csv:3")),
        spark.sql("SELECT input_file, input_line, reason FROM delta.`" + warehouse.location("silver", "quarantine") + "`").collectAsList());
    String wuxingGdp = " WHERE plan_id = 'wuxing_14' AND indicator_code = 'gdp'";
    // (820 - 752.8) / (1000 - 752.8) = 27.18%
    assertEquals(List.of(RowFactory.create("2021-12-31", 0.2718)),
        spark.sql("SELECT CAST(as_of AS STRING), round(achievement_rate, 4) FROM delta.`" + location + "`" + wuxingGdp).collectAsList());
    // (3999 - 3201.4) / (5000 - 3201.4) = 44.35%
    assertEquals(0.4435, huzhouGdp2022(location), 1e-9);
    assertEquals(1, byTable(sixth).get("gold.indicator_progress").inserted());
    assertEquals(1, byTable(sixth).get("gold.indicator_progress").deleted(), "the placeholder at 2020-12-31");
    assertSilverAsRebuilt(warehouse);
    assertGoldAsComputedForEveryDate(warehouse, TestWarehouses.MID_TERM);

    // Night 7: the file is gone. Its rows go, the stored 2022 figure of Huzhou is the first with its key
    // again, and Wuxing's GDP target has its placeholder back.
    Files.delete(revisions);
    RunSummary seventh = night(warehouse, datasets, TestWarehouses.MID_TERM);
    assertEquals(Map.of("silver.observation", Set.of("observations/aa_revisions.csv")), seventh.checkedByFile());
    assertEquals(0, spark.sql("SELECT * FROM delta.`" + warehouse.location("silver", "quarantine") + "`").count());
    // (3850 - 3201.4) / (5000 - 3201.4) = 36.06%, as Table 1 of the mid-term evaluation publishes
    assertEquals(0.3606, huzhouGdp2022(location), 1e-9);
    assertEquals(List.of(RowFactory.create("2020-12-31", null)),
        spark.sql("SELECT CAST(as_of AS STRING), round(achievement_rate, 4) FROM delta.`" + location + "`" + wuxingGdp).collectAsList());
    // Every table the file reached holds again what it held after night 5, when the file did not exist.
    for (String table : List.of("bronze.observation", "silver.observation", "silver.quarantine", "gold.indicator_progress",
        "gold.district_city_comparison", "gold.plan_consistency", "gold.region_scorecard")) {
      assertSameRows(warehouse, table, byTable(fifth).get(table).version());
    }
  }

  /** {@code table} holds the rows it held at {@code version}, load times aside. */
  private void assertSameRows(Warehouse warehouse, String table, long version) {
    TableSchema schema = Schemas.of(table);
    String columns = schema.columnNames().stream().filter(c -> !schema.volatileColumns().contains(c)).collect(Collectors.joining(", "));
    String location = warehouse.location(schema);
    Dataset<Row> now = spark.sql("SELECT " + columns + " FROM delta.`" + location + "`");
    Dataset<Row> then = spark.sql("SELECT " + columns + " FROM delta.`" + location + "` VERSION AS OF " + version);
    assertEquals(0, now.exceptAll(then).count(), table + ": rows it did not hold at version " + version);
    assertEquals(0, then.exceptAll(now).count(), table + ": rows it held at version " + version + " and lacks now");
  }

  private double huzhouGdp2022(String progress) {
    return spark.sql("SELECT round(achievement_rate, 4) FROM delta.`" + progress + "` WHERE plan_id = 'huzhou_14'"
        + " AND region_code = '330500' AND indicator_code = 'gdp' AND as_of = DATE'2022-12-31'").first().getDouble(0);
  }

  /** silver.observation and its rows of silver.quarantine hold what checking every bronze row again gives. */
  private void assertSilverAsRebuilt(Warehouse warehouse) {
    Map<String, Dataset<Row>> bronze = Map.of("observation", spark.read().format("delta").load(warehouse.location("bronze", "observation")));
    SilverStage.Result rebuilt = SilverStage.build(bronze, Set.of("observation"),
        t -> spark.read().format("delta").load(warehouse.location("silver", t)), Map.of());
    Dataset<Row> observation = spark.read().format("delta").load(warehouse.location("silver", "observation"));
    assertEquals(0, rebuilt.tables().get("observation").exceptAll(observation).count(), "silver.observation lacks rows a rebuild gives");
    assertEquals(0, observation.exceptAll(rebuilt.tables().get("observation")).count(), "silver.observation has rows a rebuild does not give");
    Dataset<Row> quarantine = spark.read().format("delta").load(warehouse.location("silver", "quarantine"))
        .where("table_name = 'observation'").drop("first_seen_at");
    Dataset<Row> expected = rebuilt.quarantine().select(quarantine.columns()[0],
        java.util.Arrays.copyOfRange(quarantine.columns(), 1, quarantine.columns().length));
    assertEquals(0, expected.exceptAll(quarantine).count(), "silver.quarantine lacks problems a rebuild finds");
    assertEquals(0, quarantine.exceptAll(expected).count(), "silver.quarantine has problems a rebuild does not find");
  }

  /** The dated gold tables hold, up to {@code asOf}, what computing every date from the warehouse's silver tables gives. */
  private void assertGoldAsComputedForEveryDate(Warehouse warehouse, LocalDate asOf) {
    Map<String, Dataset<Row>> silver = new java.util.HashMap<>();
    for (String t : List.of("region", "plan", "indicator", "plan_target", "plan_revision", "observation", "published_evaluation",
        "published_figure", "reconciliation_note", "indicator_crosswalk", "commitment", "commitment_link", "commitment_quantity")) {
      silver.put(t, spark.read().format("delta").load(warehouse.location("silver", t)));
    }
    EvaluationSettings settings = EvaluationSettings.from(key -> spark.conf().get(key, null));
    Dataset<Row> progress = IndicatorProgress.build(silver, asOf, settings).localCheckpoint();
    Dataset<Row> wide = DistrictCityComparison.wide(silver, progress).localCheckpoint();
    Map<String, Dataset<Row>> expected = Map.of(
        "indicator_progress", progress,
        "district_city_comparison", DistrictCityComparison.build(silver, progress),
        "plan_consistency", PlanConsistency.build(silver, wide),
        "region_scorecard", RegionScorecard.build(silver, progress));
    expected.forEach((table, rows) -> {
      Dataset<Row> stored = spark.read().format("delta").load(warehouse.location("gold", table))
          .where("as_of <= DATE'" + asOf + "'").select(rows.columns()[0], java.util.Arrays.copyOfRange(rows.columns(), 1, rows.columns().length));
      assertTrue(stored.count() > 0, table);
      assertEquals(0, rows.exceptAll(stored).count(), "gold." + table + ": rows a computation of every date gives that the table lacks");
      assertEquals(0, stored.exceptAll(rows).count(), "gold." + table + ": rows the table holds that a computation of every date does not give");
    });
  }

  /**
   * One {@code planwatch run} into the warehouse, as {@code planwatch serve} does it: logged, keeping what
   * it can, in a session of its own, with the rows held by earlier nights.
   */
  private RunSummary night(Warehouse warehouse, Path datasets, LocalDate asOf) {
    TestWarehouses.use(warehouse);
    JobRuns.Run run = new JobRuns.Run(UUID.randomUUID().toString(), "run", asOf, datasets.toString(), Instant.now());
    RunCommand.Outcome outcome = RunCommand.runLogged(TestSpark.session().newSession(), warehouse, run, -1, false, true, held, lastRun);
    assertEquals(0, outcome.exitCode(), outcome.message());
    return outcome.summary();
  }

  private static Map<String, Long> versions(RunSummary summary) {
    return summary.writes().stream().collect(Collectors.toMap(WriteResult::table, WriteResult::version));
  }

  private static Map<String, WriteResult> byTable(RunSummary summary) {
    return summary.writes().stream().collect(Collectors.toMap(WriteResult::table, w -> w));
  }

  private static Set<String> tables(RunSummary summary) {
    return summary.writes().stream().map(WriteResult::table).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  private static String sha256(Path file) throws IOException, java.security.NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      digest.update(in.readAllBytes());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private CatalogTable view(String name) throws Exception {
    String[] parts = name.split("\\.");
    return spark.sessionState().catalog().getTableMetadata(new TableIdentifier(parts[1], scala.Option.apply(parts[0])));
  }

  /** The table's last Delta operation and the rows it wrote, e.g. "WRITE 1". */
  private String lastOperation(Warehouse warehouse, String layer, String table) {
    return spark.sql("DESCRIBE HISTORY delta.`" + warehouse.location(layer, table) + "` LIMIT 1")
        .selectExpr("concat(operation, ' ', operationMetrics['numOutputRows'])").first().getString(0);
  }

  private long version(Warehouse warehouse, String layer, String table) {
    return spark.sql("DESCRIBE HISTORY delta.`" + warehouse.location(layer, table) + "` LIMIT 1").first().getLong(0);
  }
}
