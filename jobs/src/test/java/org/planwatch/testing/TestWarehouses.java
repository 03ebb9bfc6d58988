package org.planwatch.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.planwatch.cli.RunCommand;
import org.planwatch.ops.JobRuns;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.planwatch.delta.DeltaTables;
import org.planwatch.pipeline.NightlyRun;
import org.planwatch.pipeline.PublishedViews;
import org.planwatch.pipeline.RunSettings;
import org.planwatch.pipeline.RunSummary;
import org.planwatch.silver.SilverStage;
import org.planwatch.spark.TableRegistry;
import org.planwatch.spark.Warehouse;

/**
 * Warehouses built by real nightly runs. The session's catalog shows one warehouse at a time (its
 * {@code bronze}, {@code silver}, {@code gold}, {@code ops} databases); {@link #use} switches it, so
 * each test states which warehouse its SQL reads.
 */
public final class TestWarehouses {
  /** The evaluation date of Huzhou's mid-term evaluation (December 2023). */
  public static final LocalDate MID_TERM = LocalDate.of(2023, 12, 31);

  private static final Map<String, Built> BUILT = new HashMap<>();
  private static Warehouse current;
  /** The --as-of of each warehouse's last run: its views are recreated when the catalog switches back. */
  private static final Map<String, LocalDate> AS_OF = new HashMap<>();

  /** What a run wrote, where, and its summary. */
  public record Built(Warehouse warehouse, Path root, RunSummary summary) {
    /** Every silver table as the run left it, by unqualified name: what the gold builders take. */
    public Map<String, Dataset<Row>> silver() {
      SparkSession spark = TestSpark.session();
      Map<String, Dataset<Row>> silver = new HashMap<>();
      for (String t : SilverStage.READS.keySet()) {
        silver.put(t, spark.read().format("delta").load(warehouse.location("silver", t)));
      }
      return silver;
    }
  }

  private TestWarehouses() {}

  /**
   * The curated datasets of the repository, evaluated as of the mid-term date; built once per JVM, by a
   * logged run as {@code planwatch run} makes it (with ops.job_runs and ops.run_inputs).
   */
  public static synchronized Built curated() {
    Built built = BUILT.computeIfAbsent("curated", k -> {
      Path root = TestSpark.temporaryFolder("planwatch-wh-");
      return logged(Warehouse.at(root.toString()), root, TestSpark.datasets(), MID_TERM);
    });
    use(built.warehouse());
    return built;
  }

  /** A {@code planwatch run} into the warehouse, as the CLI does it: logged, keeping what did not change. */
  public static synchronized Built logged(Warehouse warehouse, Path root, Path datasets, LocalDate asOf) {
    use(warehouse);
    AS_OF.put(warehouse.root(), asOf);
    JobRuns.Run run = new JobRuns.Run(UUID.randomUUID().toString(), "run", asOf, datasets.toString(), Instant.now());
    RunCommand.Outcome outcome = RunCommand.runLogged(TestSpark.session(), warehouse, run, -1, false, true);
    if (outcome.exitCode() != 0) {
      throw new IllegalStateException("run into " + warehouse.root() + " ended with exit code " + outcome.exitCode() + ": " + outcome.message());
    }
    return new Built(warehouse, root, outcome.summary());
  }

  /** A new warehouse from {@code datasets} (a test's own folder), evaluated as of {@code asOf}. */
  public static synchronized Built run(Path datasets, LocalDate asOf) {
    Path root = TestSpark.temporaryFolder("planwatch-wh-");
    Warehouse warehouse = Warehouse.at(root.toString());
    return runInto(warehouse, root, datasets, asOf);
  }

  /** Another run into an existing warehouse (a rerun, or a run with new inputs). */
  public static synchronized Built runInto(Warehouse warehouse, Path root, Path datasets, LocalDate asOf) {
    SparkSession spark = TestSpark.session();
    use(warehouse);
    AS_OF.put(warehouse.root(), asOf);
    RunSummary summary =
        new NightlyRun(spark, new DeltaTables(spark, warehouse), new RunSettings(datasets.toString(), asOf, -1)).execute();
    return new Built(warehouse, root, summary);
  }

  /** Points the catalog's layer databases at {@code warehouse}. */
  public static synchronized void use(Warehouse warehouse) {
    SparkSession spark = TestSpark.session();
    if (warehouse.equals(current)) {
      return;
    }
    // Tables only: the in-memory catalog deletes a dropped database's folder, and these tables are
    // external (their files stay where they are).
    for (String layer : TableRegistry.LAYERS) {
      if (spark.catalog().databaseExists(layer)) {
        for (org.apache.spark.sql.catalog.Table table : tables(spark, layer)) {
          String name = layer + "." + table.name();
          spark.sql(("VIEW".equals(table.tableType()) ? "DROP VIEW IF EXISTS " : "DROP TABLE IF EXISTS ") + name);
        }
      }
    }
    TableRegistry.registerAll(spark, warehouse);
    // Views live in the catalog only (the in-memory one here): a run's views are made again.
    LocalDate asOf = AS_OF.get(warehouse.root());
    if (asOf != null && spark.catalog().tableExists("gold.indicator_progress")) {
      PublishedViews.create(spark, warehouse, asOf);
    }
    current = warehouse;
  }

  private static java.util.List<org.apache.spark.sql.catalog.Table> tables(SparkSession spark, String layer) {
    try {
      return spark.catalog().listTables(layer).collectAsList();
    } catch (org.apache.spark.sql.AnalysisException e) {
      throw new IllegalStateException(e);
    }
  }
}
