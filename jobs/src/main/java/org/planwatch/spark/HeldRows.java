package org.planwatch.spark;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.PartitioningCollection;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.storage.StorageLevel;

/**
 * Rows computed once and held for the rest of the run: {@code Dataset.localCheckpoint()}, with the
 * blocks written serialized to the local disk instead of kept as one Java object per row on the heap.
 * At full size the stages hold several tables of 10-18 million rows; as objects they filled the heap,
 * and a fifth of the tasks' time went to garbage collection, more to evicting blocks to disk
 * (docs/performance.md, twentieth session). Written once, they are read back from the operating
 * system's page cache, which uses the memory the heap does not. Serialized with Kryo
 * ({@link SessionFactory}), a row is its bytes copied. Held serialized in memory instead, a block read
 * back from disk is copied whole into one heap buffer: blocks of 440 MB ran the 4 GB heap out of memory.
 *
 * <p>The lineage is cut as {@code localCheckpoint} cuts it, and the DataFrame is made the same way
 * ({@code LogicalRDD.fromDataset}: the size statistics are kept, so small results are still broadcast),
 * with the partitioning and ordering of the plan that ran. Under adaptive execution
 * {@code localCheckpoint} forgets them, and every window, aggregate and join by the key the rows were
 * made by shuffled them again (the points of a target, partitioned once by target: docs/performance.md,
 * twenty-fourth session). Spark internals, public in bytecode, pinned by {@code HeldRowsTest}.
 */
public final class HeldRows {
  private HeldRows() {}

  /** {@code rows}, computed now and held. */
  public static Dataset<Row> of(Dataset<Row> rows) {
    return counted(rows).rows();
  }

  /** Held rows and how many they are: the count the holding job gives anyway. */
  public record Counted(Dataset<Row> rows, long count) {}

  /** {@code rows}, computed now and held, with their count. */
  public static Counted counted(Dataset<Row> rows) {
    SparkPlan plan = rows.queryExecution().executedPlan();
    RDD<InternalRow> internal = plan.execute().toJavaRDD().map(new Copy()).rdd();
    internal.persist(StorageLevel.DISK_ONLY());
    internal.localCheckpoint();
    long count = internal.count();
    LogicalRDD held = LogicalRDD$.MODULE$.fromDataset(internal, rows, rows.isStreaming());
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      // The adaptive plan reports UnknownPartitioning; the final plan it ran knows the layout of the rows it made.
      SparkPlan ran = adaptive.executedPlan();
      held = (LogicalRDD) held.makeCopy(new Object[] {held.output(), internal, firstLeaf(ran.outputPartitioning()), ran.outputOrdering(),
          held.isStreaming()});
    }
    return new Counted(Dataset.ofRows(rows.sparkSession(), held), count);
  }

  private static Partitioning firstLeaf(Partitioning partitioning) {
    return partitioning instanceof PartitioningCollection c ? firstLeaf(c.partitionings().head()) : partitioning;
  }

  /** Operators reuse one row object: each held row is a copy. */
  private static final class Copy implements Function<InternalRow, InternalRow> {
    @Override
    public InternalRow call(InternalRow row) {
      return row.copy();
    }
  }
}
