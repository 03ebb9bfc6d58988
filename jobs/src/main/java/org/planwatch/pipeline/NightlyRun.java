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
import org.planwatch.bronze.CsvInput;
import org.planwatch.bronze.FileProblem;
import org.planwatch.delta.DeltaTables;
import org.planwatch.delta.WriteResult;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.gold.CommitmentIndicatorLink;
import org.planwatch.gold.CommitmentScorecard;
import org.planwatch.gold.DistrictCityComparison;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.PlanConsistency;
import org.planwatch.gold.PublishedReconciliation;
import org.planwatch.gold.RegionScorecard;
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
          "published_evaluation", "published_figure", "reconciliation_note", "indicator_crosswalk", "commitment",
          "commitment_link");

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

  /** What the run has written so far: complete after {@link #execute}, partial when it threw. */
  public RunSummary summary() {
    return summary;
  }

  public RunSummary execute() {
    Timestamp now = Timestamp.from(Instant.now());
    long start = System.nanoTime();
    Map<String, Dataset<Row>> bronze = bronze(now);
    start = summary.stageDone("bronze", start);
    SilverStage.Result silver = SilverStage.build(bronze);
    Map<String, Dataset<Row>> silverTables = silver(silver, now);
    start = summary.stageDone("silver", start);
    gold(silverTables);
    start = summary.stageDone("gold", start);
    PublishedViews.create(spark, tables.warehouse(), settings.asOf());
    spark.catalog().clearCache();
    summary.stageDone("publish", start);
    return summary;
  }

  private Map<String, Dataset<Row>> bronze(Timestamp now) {
    CsvInput input = new CsvInput(spark, settings.datasetsRoot());
    Map<String, Dataset<Row>> rows = new LinkedHashMap<>();
    // Every required input is checked before the first write: a missing one leaves every table as it was.
    INPUT_TABLES.forEach(table -> input.requirePresent(Schemas.of("bronze." + table)));
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
    Dataset<Row> all = silver.quarantine().unionByName(fileProblems).distinct().withColumn("first_seen_at", lit(now)).localCheckpoint();
    WriteResult write = tables.merge(quarantine, all, null);
    record(write);
    summary.setQuarantined(write.rows());
    // One row per table: small, whatever the input size (for ops.job_runs).
    for (Row r : all.groupBy("table_name").count().collectAsList()) {
      summary.quarantinedByTable().put(r.getString(0).replaceFirst("^silver\\.", ""), r.getLong(1));
    }
    return persisted;
  }

  private void gold(Map<String, Dataset<Row>> silver) {
    EvaluationSettings evaluation = EvaluationSettings.from(key -> spark.conf().get(key, null));
    Dataset<Row> progress = IndicatorProgress.build(silver, settings.asOf(), evaluation).localCheckpoint();
    // Rows for later dates (from a run with a later --as-of) are left alone.
    String upToRunDate = "as_of <= DATE'" + settings.asOf() + "'";
    record(tables.merge(IndicatorProgress.SCHEMA, progress, upToRunDate));
    Dataset<Row> comparison = DistrictCityComparison.wide(silver, progress).localCheckpoint();
    record(tables.merge(DistrictCityComparison.SCHEMA, comparison.select(DistrictCityComparison.finalColumns(DistrictCityComparison.SCHEMA)), upToRunDate));
    record(tables.merge(PlanConsistency.SCHEMA, PlanConsistency.build(silver, comparison), upToRunDate));
    record(tables.merge(RegionScorecard.SCHEMA, RegionScorecard.build(silver, progress), upToRunDate));
    Dataset<Row> allProgress = spark.read().format("delta").load(tables.warehouse().location(IndicatorProgress.SCHEMA));
    record(tables.merge(PublishedReconciliation.SCHEMA, PublishedReconciliation.build(silver, allProgress), null));
    record(tables.merge(CommitmentScorecard.SCHEMA, CommitmentScorecard.build(silver), null));
    record(tables.merge(CommitmentIndicatorLink.SCHEMA, CommitmentIndicatorLink.build(silver, allProgress, settings.asOf()), null));
  }

  private void record(WriteResult write) {
    summary.add(write);
    LOG.info("{}: {} rows ({} inserted, {} updated, {} deleted) -> version {} in {} ms (ensure {}, difference {}, merge {})",
        write.table(), write.rows(), write.inserted(), write.updated(), write.deleted(), write.version(), write.millis(),
        write.ensureMillis(), write.differenceMillis(), write.mergeMillis());
  }
}
