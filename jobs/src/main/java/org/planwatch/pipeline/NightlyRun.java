package org.planwatch.pipeline;

import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.planwatch.bi.BiViews;
import org.planwatch.bronze.CsvInput;
import org.planwatch.bronze.FileProblem;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.gold.GoldViews;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.PublishedReconciliation;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.silver.SilverStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly job: datasets -> bronze -> silver -> gold, then the bi views. Each stage hands its rows to the next as
 * local checkpoints: after the MERGE a table holds exactly those rows, re-reading a Delta table costs
 * a state reconstruction per table (the biggest fixed cost of a small run), and a checkpoint cuts the
 * lineage, so gold's many joins are planned over small leaves instead of the whole typing plan.
 */
public final class NightlyRun {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");

  /** The input tables, in the order they are read. */
  public static final List<String> INPUT_TABLES =
      List.of("region", "plan", "indicator", "plan_target", "plan_revision", "observation",
          "published_evaluation", "published_figure", "reconciliation_note", "indicator_crosswalk", "commitment");

  private static final StructType QUARANTINE_ROW =
      StructType.fromDDL("table_name STRING, input_file STRING, input_line BIGINT, field STRING, value STRING, reason STRING, record STRING");

  private final SparkSession spark;
  private final DeltaTables tables;
  private final RunSettings settings;
  private final RunSummary summary = new RunSummary();
  private final List<FileProblem> problems = new ArrayList<>();

  public NightlyRun(SparkSession spark, DeltaTables tables, RunSettings settings) {
    this.spark = spark;
    this.tables = tables;
    this.settings = settings;
  }

  public RunSummary execute() {
    Timestamp now = Timestamp.from(Instant.now());
    Map<String, Dataset<Row>> bronze = bronze(now);
    SilverStage.Result silver = SilverStage.build(bronze);
    Map<String, Dataset<Row>> silverTables = silver(silver, now);
    gold(silverTables);
    spark.catalog().clearCache();
    return summary;
  }

  private Map<String, Dataset<Row>> bronze(Timestamp now) {
    CsvInput input = new CsvInput(spark, settings.datasetsRoot());
    Map<String, Dataset<Row>> rows = new LinkedHashMap<>();
    for (String table : INPUT_TABLES) {
      TableSchema schema = Schemas.of("bronze." + table);
      CsvInput.Result read = input.read(schema, now);
      problems.addAll(read.problems());
      Dataset<Row> bronzeRows = read.rows().localCheckpoint();
      WriteResult write = tables.merge(schema, bronzeRows, null);
      record(write);
      summary.addRowsRead(write.rows());
      rows.put(table, bronzeRows);
    }
    return rows;
  }

  private Map<String, Dataset<Row>> silver(SilverStage.Result silver, Timestamp now) {
    Map<String, Dataset<Row>> persisted = new LinkedHashMap<>();
    for (Map.Entry<String, Dataset<Row>> e : silver.tables().entrySet()) {
      Dataset<Row> rows = e.getValue().localCheckpoint();
      record(tables.merge(Schemas.of("silver." + e.getKey()), rows, null));
      persisted.put(e.getKey(), rows);
    }
    TableSchema quarantine = Schemas.of("silver.quarantine");
    List<Row> fileRows = new ArrayList<>();
    for (FileProblem p : problems) {
      fileRows.add(RowFactory.create(p.table(), p.file(), p.line(), p.field(), p.value(), p.reason(), null));
    }
    Dataset<Row> fileProblems = spark.createDataFrame(fileRows, QUARANTINE_ROW);
    Dataset<Row> all = silver.quarantine().unionByName(fileProblems).distinct().withColumn("first_seen_at", lit(now));
    WriteResult write = tables.merge(quarantine, all, null);
    record(write);
    summary.setQuarantined(write.rows());
    return persisted;
  }

  private void gold(Map<String, Dataset<Row>> silver) {
    EvaluationSettings evaluation = EvaluationSettings.from(key -> spark.conf().get(key, null));
    Dataset<Row> progress = IndicatorProgress.build(silver, settings.asOf(), evaluation);
    // Rows for later dates (from a run with a later --as-of) are left alone.
    record(tables.merge(IndicatorProgress.SCHEMA, progress, "as_of <= DATE'" + settings.asOf() + "'"));
    Dataset<Row> allProgress = spark.read().format("delta").load(tables.warehouse().location(IndicatorProgress.SCHEMA));
    record(tables.merge(PublishedReconciliation.SCHEMA, PublishedReconciliation.build(silver, allProgress), null));
    GoldViews.create(spark, settings.asOf());
    BiViews.create(spark, tables.warehouse(), settings.asOf());
  }

  private void record(WriteResult write) {
    summary.add(write);
    LOG.info("{}: {} rows ({} inserted, {} updated, {} deleted) -> version {}",
        write.table(), write.rows(), write.inserted(), write.updated(), write.deleted(), write.version());
  }
}
