package org.planwatch.pipeline;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.planwatch.bi.BiViews;
import org.planwatch.delta.DeltaTables;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.GoldViews;
import org.planwatch.ops.JobRuns;
import org.planwatch.spark.MetastoreMode;
import org.planwatch.spark.TableRegistry;
import org.planwatch.spark.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The views a nightly run publishes over its tables: {@code gold.indicator_progress_latest} and friends, {@code bi.*}. */
public final class PublishedViews {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");

  private PublishedViews() {}

  /**
   * Creates (or replaces) the views for a run as of {@code asOf}. They read the evaluations up to the
   * latest evaluation date on or before it ({@link #lastEvaluationUpTo}), which are the evaluations up to
   * {@code asOf}: on a night no new evaluation date arrives, their text stays the same and {@link
   * org.planwatch.spark.Views} leaves them alone (re-creating three views cost about 3 s).
   */
  public static void create(SparkSession spark, Warehouse warehouse, LocalDate asOf) {
    LocalDate upTo = lastEvaluationUpTo(spark, warehouse, asOf);
    GoldViews.create(spark, upTo);
    BiViews.create(spark, warehouse, upTo);
  }

  /**
   * The latest {@code as_of} of gold.indicator_progress on or before {@code asOf}, from the dates its
   * last write recorded (no Spark job); {@code asOf} itself when they are not recorded or none is that early.
   */
  static LocalDate lastEvaluationUpTo(SparkSession spark, Warehouse warehouse, LocalDate asOf) {
    Optional<Set<String>> dates = new DeltaTables(spark, warehouse).recordedSlices(IndicatorProgress.SCHEMA);
    return dates.orElse(Set.of()).stream().map(LocalDate::parse).filter(d -> !d.isAfter(asOf))
        .max(Comparator.naturalOrder()).orElse(asOf);
  }

  /**
   * Without a metastore ({@code --metastore none}) a process starts with an empty catalog: registers the
   * warehouse's tables, and recreates the views as the last successful run left them (its {@code --as-of}
   * from {@code ops.job_runs}). With a metastore, tables and views are already there.
   */
  public static void registerIfNeeded(SparkSession spark, Warehouse warehouse, MetastoreMode mode) {
    if (mode != MetastoreMode.NONE) {
      return;
    }
    TableRegistry.registerAll(spark, warehouse);
    if (!spark.catalog().tableExists(JobRuns.SCHEMA.qualifiedName())) {
      return;
    }
    List<Row> last = spark.sql("SELECT as_of FROM " + JobRuns.SCHEMA.qualifiedName()
        + " WHERE command = 'run' AND status = '" + JobRuns.SUCCEEDED + "' ORDER BY ended_at DESC LIMIT 1").collectAsList();
    if (last.isEmpty()) {
      LOG.warn("no successful run in {}: the views (gold.indicator_progress_latest, bi.*) are not created", JobRuns.SCHEMA);
      return;
    }
    create(spark, warehouse, last.get(0).getDate(0).toLocalDate());
  }
}
