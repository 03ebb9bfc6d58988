import java.io.File;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.SparkSession;
import org.planwatch.gold.DistrictCityComparison;
import org.planwatch.gold.IndicatorProgress;
import org.planwatch.gold.PlanConsistency;
import org.planwatch.gold.RegionScorecard;
import org.planwatch.gold.ReachedDates;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.silver.SilverStage;
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;
import org.planwatch.spark.MetastoreMode;
import org.planwatch.spark.SessionFactory;
import org.planwatch.spark.Warehouse;

/**
 * One stage's computation, again and again in one JVM, from the tables a run left in a warehouse: to
 * compare two builds of the code with less noise than whole runs give. No table is written.
 *
 * <pre>
 * java -Xmx4g -XX:+UseParallelGC @jobs/target/jvm-options.txt \
 *   -cp "jobs/target/planwatch-jobs.jar:$(cat jobs/target/classpath.txt)" \
 *   bench/profile/StageLoop.java silver|gold|goldfrom|bydate|scorecard WAREHOUSE TIMES [AS_OF [FROM]]
 * </pre>
 *
 * silver: {@link SilverStage#build} from the warehouse's bronze tables (its checks end in local
 * checkpoints, so they run); gold: {@link IndicatorProgress#build} from its silver tables, held;
 * goldfrom: {@link IndicatorProgress#buildFrom}, a night's increment, for the dates from FROM to AS_OF,
 * from silver.observation as read from Delta and the stored evaluations dated before FROM (the gold of
 * a served night's increment); bydate: the gold tables dated by evaluation for the dates from FROM to
 * AS_OF, from the evaluations {@link ReachedDates#evaluationsReadFrom} reads of the stored table;
 * scorecard: {@link RegionScorecard#build} for every date, from the stored evaluations (the columns it
 * reads, held before the first time), as a full run computes it. The first time is a cold JVM's, the
 * last a warm one's. With {@code -Dstageloop.out=DIR}, gold, goldfrom and scorecard write the last
 * time's rows to DIR as Parquet, for {@code SameRows} to compare two builds' rows.
 */
public class StageLoop {
  public static void main(String[] args) {
    String stage = args[0];
    File warehouse = new File(args[1]);
    int times = Integer.parseInt(args[2]);
    SparkSession spark = SessionFactory.create("stage loop", Warehouse.at(new File(System.getProperty("java.io.tmpdir"), "stage-loop").getPath()),
        MetastoreMode.NONE, Map.of());
    Map<String, Dataset<Row>> tables = new HashMap<>();
    boolean increment = stage.equals("goldfrom");
    for (File table : new File(warehouse, stage.equals("silver") ? "bronze" : "silver").listFiles()) {
      Dataset<Row> rows = spark.read().format("delta").load(table.getPath());
      // A night's increment reads the actuals lazily, as its run does (NightlyRun.readLazily).
      tables.put(table.getName(), (increment || stage.equals("bydate")) && table.getName().equals("observation") ? rows : rows.localCheckpoint());
    }
    Dataset<Row> evaluations = null;
    if (stage.equals("scorecard")) {
      evaluations = spark.read().format("delta").load(new File(warehouse, "gold/indicator_progress").getPath())
          .select(Columns.of(RegionScorecard.PROGRESS_COLUMNS))
          .localCheckpoint();
    }
    Set<Object> inputs = new HashSet<>(scala.collection.JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).keySet());
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    for (int i = 1; i <= times; i++) {
      long start = System.nanoTime();
      long classesBefore = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
      long jitBefore = jit.getTotalCompilationTime();
      long rows;
      Dataset<Row> built = null;
      if (stage.equals("silver")) {
        rows = SilverStage.build(tables).tables().get("observation").count();
      } else if (increment) {
        // Comma-separated dates are taken in turn, one pair a time: nights with other dates plan other literals.
        String[] asOfs = args[3].split(",");
        String[] froms = args[4].split(",");
        LocalDate asOf = LocalDate.parse(asOfs[(i - 1) % asOfs.length]);
        LocalDate from = LocalDate.parse(froms[(i - 1) % froms.length]);
        Dataset<Row> stored = spark.read().format("delta").load(new File(warehouse, "gold/indicator_progress").getPath())
            .where(org.apache.spark.sql.functions.col("as_of").lt(java.sql.Date.valueOf(from)));
        built = IndicatorProgress.buildFrom(tables, EvaluationSettings.DEFAULTS, new ReachedDates(from, asOf), stored).rows().localCheckpoint();
        rows = built.count();
      } else if (stage.equals("bydate")) {
        // The dated tables of a night from FROM: the evaluations they read, held, then each table's rows.
        LocalDate from = LocalDate.parse(args[4]);
        Dataset<Row> progress = spark.read().format("delta").load(new File(warehouse, "gold/indicator_progress").getPath())
            .where(org.apache.spark.sql.functions.col("as_of").leq(java.sql.Date.valueOf(LocalDate.parse(args[3]))));
        Dataset<Row> read = ReachedDates.evaluationsReadFrom(progress, from, tables).transform(HeldRows::of);
        Dataset<Row> comparison = DistrictCityComparison.wide(tables, read, from).transform(HeldRows::of);
        rows = read.count() + PlanConsistency.build(tables, comparison).localCheckpoint().count()
            + RegionScorecard.build(tables, read, from).localCheckpoint().count();
      } else if (stage.equals("scorecard")) {
        built = RegionScorecard.build(tables, evaluations).localCheckpoint();
        rows = built.count();
      } else {
        built = IndicatorProgress.build(tables, LocalDate.parse(args[3]), EvaluationSettings.DEFAULTS).localCheckpoint();
        rows = built.count();
      }
      System.out.printf("%s %d: %.2f s (%d rows; %d classes generated, JIT compiling %.1f s)%n", stage, i, (System.nanoTime() - start) / 1e9, rows,
          CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - classesBefore,
          (jit.getTotalCompilationTime() - jitBefore) / 1e3);
      // Written after the time is taken: the write is not part of the stage.
      if (built != null && i == times && System.getProperty("stageloop.out") != null) {
        built.write().mode("overwrite").parquet(System.getProperty("stageloop.out"));
      }
      // Each time's held rows go, the inputs stay.
      scala.collection.JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).forEach((id, rdd) -> {
        if (!inputs.contains(id)) {
          rdd.unpersist(true);
        }
      });
    }
    spark.stop();
  }
}
