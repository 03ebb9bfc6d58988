package org.planwatch.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.bronze.FileProblem;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;
import org.planwatch.spark.HeldRows;

/**
 * A silver table checked again for the input files that changed only, when nothing it is checked
 * against changed. Its checks look at one row at a time but for the duplicate key, so a row of an
 * unchanged file keeps its outcome unless it shares a key with a row checked again. Checked again:
 * every row of a changed file (added, edited or removed), every row an earlier run set aside as a
 * duplicate (the row it repeated may be gone), and every valid row with the key of one of those. All
 * rows with such a key are then among them, so the first by file and line wins as in a whole rebuild;
 * the other rows keep the outcome the stored tables hold. A new quarter of actuals costs its own rows.
 */
final class ChangedFiles {
  private static final List<String> LINE = List.of("input_file", "input_line");

  /**
   * @param recheck the bronze rows to type and check again
   * @param keptValid the stored valid rows that keep their outcome
   * @param keptQuarantine the stored quarantine rows of the table that keep theirs (without first_seen_at)
   * @param replacedValid the stored valid rows that are checked again or gone, for the slices a write reaches
   */
  record Selection(Dataset<Row> recheck, Dataset<Row> keptValid, Dataset<Row> keptQuarantine, Dataset<Row> replacedValid) {}

  private ChangedFiles() {}

  /**
   * @param bronze the bronze rows of every file, as the table holds them after tonight's write
   * @param files the files added, edited or removed since the stored tables were written (relative paths)
   * @param storedValid the silver table as the previous run left it
   * @param storedQuarantine silver.quarantine as the previous run left it
   * @param typedKeys bronze rows to the silver key columns they type to (null where a value does not type)
   */
  static Selection select(TableSchema silver, Dataset<Row> bronze, Set<String> files, Dataset<Row> storedValid,
      Dataset<Row> storedQuarantine, UnaryOperator<Dataset<Row>> typedKeys) {
    Column inChanged = col("input_file").isin(new TreeSet<>(files).toArray());
    List<String> keys = silver.keys();
    Dataset<Row> quarantined = storedQuarantine.where(col("table_name").equalTo(silver.table())
        .and(not(col("field").isin(FileProblem.FILE_FIELDS.toArray()))).and(not(inChanged)));
    Dataset<Row> duplicates = quarantined.where(col("reason").startsWith(Checked.DUPLICATE)).select(Columns.of(LINE)).distinct();
    Dataset<Row> changedRows = bronze.where(inChanged);
    // Held: read twice, for the slices they fall in and for the collisions.
    Dataset<Row> firstKeys = typedKeys.apply(changedRows.unionByName(onLines(bronze, duplicates, "left_semi")))
        .select(Columns.of(keys)).distinct().transform(HeldRows::of);
    Dataset<Row> unchangedValid = storedValid.where(not(inChanged));
    Dataset<Row> collisions = sameSlices(silver, unchangedValid, firstKeys)
        .join(firstKeys, Columns.seq(keys), "left_semi").select(Columns.of(LINE));
    Dataset<Row> again = duplicates.unionByName(collisions).distinct().transform(HeldRows::of);
    return new Selection(
        changedRows.unionByName(onLines(bronze, again, "left_semi")),
        onLines(unchangedValid, again, "left_anti"),
        onLines(quarantined, again, "left_anti").drop("first_seen_at"),
        storedValid.where(inChanged).unionByName(onLines(unchangedValid, collisions, "left_semi")));
  }

  /**
   * The rows of {@code rows} in the slices {@code keys} fall in, where the slice column is part of the key:
   * a row can share a key only with rows of its own slice (a new quarter's actuals, only with rows of
   * that quarter), and Delta reads only the files holding those slices.
   */
  private static Dataset<Row> sameSlices(TableSchema silver, Dataset<Row> rows, Dataset<Row> keys) {
    if (silver.sliceColumn().isEmpty() || !silver.keys().contains(silver.sliceColumn().get())) {
      return rows;
    }
    return whereAmong(rows, silver.sliceColumn().get(), keys);
  }

  /**
   * The rows of {@code rows} whose {@code column} holds one of the values {@code values} has there. The
   * values (one per file or slice, not per row) are looked up first, so the condition is a list Delta
   * matches against its file statistics.
   */
  private static Dataset<Row> whereAmong(Dataset<Row> rows, String column, Dataset<Row> values) {
    Object[] found = values.select(column).distinct().collectAsList().stream().map(r -> r.get(0)).toArray();
    return rows.where(found.length == 0 ? org.apache.spark.sql.functions.lit(false) : col(column).isin(found));
  }

  /**
   * The rows of {@code rows} whose file and line are (semi) or are not (anti) among {@code lines}. A semi
   * join reads only the files the lines are in (their names, one per file, are looked up first), which
   * Delta finds by the file statistics of a table sliced by input file.
   */
  private static Dataset<Row> onLines(Dataset<Row> rows, Dataset<Row> lines, String how) {
    if (how.equals("left_semi")) {
      rows = whereAmong(rows, "input_file", lines);
    }
    Dataset<Row> renamed = lines.select(col("input_file").as("_line_file"), col("input_line").as("_line"));
    Column on = rows.col("input_file").equalTo(col("_line_file")).and(rows.col("input_line").equalTo(col("_line")));
    return rows.join(renamed, on, how);
  }
}
