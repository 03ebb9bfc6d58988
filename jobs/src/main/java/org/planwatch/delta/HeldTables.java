package org.planwatch.delta;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.LogicalRDD;
import org.planwatch.schema.TableSchema;
import scala.Option;

/**
 * The rows of tables at one Delta version each, held by a process that runs night after night
 * ({@code planwatch serve}): a night that keeps a table takes its rows from here instead of reading
 * them from Delta again. Reading a kept table costs Delta's file listing for the scan (a query over the
 * table's state, planned and run) and a checkpoint job; at {@code --scale 0.1} the twelve kept silver
 * tables cost about 6 s of a 59 s served increment.
 *
 * <p>An entry is the table's id and version, and the checkpointed rows it held at that version: any
 * commit since (a write, a MERGE by hand, OPTIMIZE, RESTORE) gives another version, and the rows are then
 * read from Delta again. One entry per table, the newest replacing the one before, so what is held is
 * at most one copy of each table (its blocks on the local disk: {@link org.planwatch.spark.HeldRows}),
 * and the tables held are the reference tables (regions, plans, targets, ...), not the actuals.
 * A process that runs once holds nothing: {@link #none()}.
 */
public final class HeldTables {
  /** The name of a held checkpoint's RDD: a served run's clean-up leaves these alone. */
  static final String RDD_NAME_PREFIX = "planwatch held ";

  private record Entry(DeltaTables.TableState state, LogicalRDD rows) {}

  private final boolean holds;
  private final Map<String, Entry> entries = new HashMap<>();

  private HeldTables(boolean holds) {
    this.holds = holds;
  }

  /** Holds rows from one run to the next: for a serving process. */
  public static HeldTables acrossRuns() {
    return new HeldTables(true);
  }

  /** Holds nothing: for a process that runs once. */
  public static HeldTables none() {
    return new HeldTables(false);
  }

  /** Whether an RDD is a checkpoint held here, by its name. */
  public static boolean isHeld(String rddName) {
    return rddName != null && rddName.startsWith(RDD_NAME_PREFIX);
  }

  /** The table's rows when held at exactly {@code state}, as a DataFrame of {@code spark}. */
  public synchronized Optional<Dataset<Row>> rowsAt(SparkSession spark, TableSchema table, DeltaTables.TableState state) {
    Entry e = entries.get(table.qualifiedName());
    if (e == null || !e.state().equals(state)) {
      return Optional.empty();
    }
    if (!everyBlockStored(spark, e.rows().rdd())) {
      // A checkpoint has no lineage to recompute a lost block from (an executor gone, a manual unpersist):
      // read from Delta instead.
      entries.remove(table.qualifiedName());
      e.rows().rdd().unpersist(false);
      return Optional.empty();
    }
    // Spark internals (public in bytecode, pinned by HeldTablesTest): a new DataFrame over the held blocks, in this night's session (each served night has its own), with
    // the size the checkpoint recorded (the planner broadcasts a small table) and new column ids (a night
    // may read the table twice in one query).
    LogicalRDD held = e.rows();
    LogicalRDD plan = held.copy(held.output(), held.rdd(), held.outputPartitioning(), held.outputOrdering(), held.isStreaming(),
        spark, Option.apply(held.computeStats()), Option.apply(held.constraints())).newInstance();
    return Optional.of(Dataset.ofRows(spark, plan));
  }

  private static boolean everyBlockStored(SparkSession spark, RDD<InternalRow> rows) {
    for (org.apache.spark.storage.RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      if (info.id() == rows.id()) {
        return info.numCachedPartitions() == rows.getNumPartitions();
      }
    }
    return rows.getNumPartitions() == 0;
  }

  /**
   * Holds {@code checkpointed} after a write of the whole table made the table hold exactly these rows
   * ({@link DeltaTables#merge(TableSchema, Dataset)}): unless the table has volatile columns, which a
   * write leaves as they were when nothing else changed, or the rows' columns are not the table's types.
   *
   * @return {@code checkpointed}
   */
  public Dataset<Row> holdWritten(TableSchema table, DeltaTables.TableState state, Dataset<Row> checkpointed) {
    if (!table.volatileColumns().isEmpty() || !DeltaTables.sameColumns(checkpointed.schema(), table.columns())) {
      return checkpointed;
    }
    return hold(table, state, checkpointed);
  }

  /**
   * Holds {@code checkpointed}, a DataFrame made by {@link org.planwatch.spark.HeldRows} (a local
   * checkpoint), as the table's rows at {@code state}: the caller vouches that the table holds exactly
   * these rows at that version. Rows of another kind of DataFrame are not held (their blocks are not
   * the caller's to keep), nor those of a sliced table (silver.observation): it grows with the history
   * and changes with every new quarter, so the server would hold its largest table through the day for
   * a night that reads it again anyway.
   *
   * @return {@code checkpointed}
   */
  public synchronized Dataset<Row> hold(TableSchema table, DeltaTables.TableState state, Dataset<Row> checkpointed) {
    if (!holds || table.sliceColumn().isPresent() || !(checkpointed.logicalPlan() instanceof LogicalRDD plan)) {
      return checkpointed;
    }
    RDD<InternalRow> rows = plan.rdd();
    rows.setName(RDD_NAME_PREFIX + table.qualifiedName() + " version " + state.version());
    Entry before = entries.put(table.qualifiedName(), new Entry(state, plan));
    if (before != null && before.rows().rdd().id() != rows.id()) {
      before.rows().rdd().unpersist(false);
    }
    return checkpointed;
  }
}
