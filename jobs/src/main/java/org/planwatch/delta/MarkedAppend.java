package org.planwatch.delta;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Rows appended to a Delta table in a commit of their own, marked by its user metadata, that can later
 * be replaced by touching only the file that commit wrote. A MERGE or UPDATE finds rows by scanning:
 * in a fresh process that costs the table's first file listing, query planning and a join, about 5 s
 * for the one row that completes a run in {@code ops.job_runs}; this replacement reads one commit.
 *
 * @param location the table's path
 * @param version the commit the append made, as read right after it
 * @param marker its user metadata ({@code DESCRIBE HISTORY} shows it), which proves the commit is this append
 */
public record MarkedAppend(String location, long version, String marker) {

  /** Appends {@code rows} in one commit marked {@code marker}. */
  public static MarkedAppend write(SparkSession spark, String location, Dataset<Row> rows, String marker) {
    rows.write().format("delta").mode("append").option("userMetadata", marker).save(location);
    return new MarkedAppend(location, DeltaTables.latestSnapshot(spark, location).version(), marker);
  }

  /**
   * Replaces the appended rows by {@code rows} in one commit, as {@code replaceWhere = predicate} would
   * (history shows a WRITE in mode Overwrite with the predicate and {@code marker}), when the table is
   * still at this append's commit and that commit wrote one file.
   *
   * @param predicate what the appended rows and {@code rows} have in common, for the history
   * @return false, changing nothing, when another commit came since or the commit is not this append:
   *     the caller then finds the rows by their key (MERGE)
   */
  public boolean replaceWith(SparkSession spark, Dataset<Row> rows, String predicate, String marker) {
    DeltaLog log = DeltaLog.forTable(spark, location);
    OptimisticTransaction txn = log.startTransaction();
    if (txn.snapshot().version() != version) {
      return false;
    }
    List<AddFile> written = new ArrayList<>();
    boolean marked = false;
    for (Action action : JavaConverters.seqAsJavaList(log.getChanges(version, false).next()._2())) {
      if (action instanceof AddFile add) {
        written.add(add);
      } else if (action instanceof CommitInfo info) {
        marked = info.userMetadata().isDefined() && info.userMetadata().get().equals(this.marker);
      } else {
        // Anything else (a removed file, new metadata) is not a plain append.
        return false;
      }
    }
    if (!marked || written.size() != 1) {
      return false;
    }
    // writeFiles checks the table's constraints and collects the new file's statistics, as an append does.
    List<Action> actions = new ArrayList<>(JavaConverters.seqAsJavaList(txn.writeFiles(rows)));
    actions.add(written.get(0).removeWithTimestamp(System.currentTimeMillis(), true));
    txn.commit(JavaConverters.asScalaBuffer(actions).toSeq(), new DeltaOperations.Write(SaveMode.Overwrite,
        Option.apply(JavaConverters.asScalaBuffer(List.<String>of()).toSeq()), Option.apply(predicate), Option.apply(marker)));
    return true;
  }
}
