package org.planwatch.delta;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.planwatch.schema.TableSchema;

/**
 * An order-independent digest of the rows a write puts into a table (row count and two sums of row
 * hashes over the key and value columns), recorded in the commit's user metadata. When the table's
 * last data-changing commit recorded the digest the new rows have, the table already holds them and
 * the write is skipped without reading the table: a nightly rerun on unchanged inputs then costs one
 * aggregate over rows already in memory per table, instead of a join against the table.
 */
record ContentFingerprint(long rows, String token) {
  private static final String PREFIX = "planwatch-content v1 ";
  /** The table property a metadata-only commit sets when it records a digest for rows already there. */
  static final String PROPERTY = "planwatch.content";
  /** Commits that leave a table's rows as they were: maintenance and metadata changes. */
  private static final Set<String> CONTENT_PRESERVING = Set.of(
      "OPTIMIZE", "VACUUM START", "VACUUM END", "SET TBLPROPERTIES", "UNSET TBLPROPERTIES",
      "ADD CONSTRAINT", "DROP CONSTRAINT", "CHANGE COLUMN");
  /** How far back the log is searched for the last recorded digest. */
  private static final int HISTORY_DEPTH = 20;

  static ContentFingerprint of(Dataset<Row> rows, TableSchema table, String scope) {
    List<String> hashed = new ArrayList<>(table.keys());
    hashed.addAll(table.valueColumns());
    Column[] columns = hashed.stream().map(c -> col(c)).toArray(Column[]::new);
    // Sums as decimals: no overflow, and two independent hashes make a collision negligible.
    Row digest = rows.agg(
            count(lit(1)),
            sum(xxhash64(columns).cast("decimal(38,0)")),
            sum(hash(columns).cast("decimal(38,0)")))
        .first();
    long count = digest.getLong(0);
    String token = PREFIX + "columns=" + Integer.toHexString(hashed.hashCode())
        + " scope=" + Integer.toHexString(String.valueOf(scope).hashCode())
        + " rows=" + count + " xx=" + digest.get(1) + " h=" + digest.get(2);
    return new ContentFingerprint(count, token);
  }

  /** True when the table's last data-changing commit recorded this digest: it holds these rows now. */
  boolean matchesLastWrite(SparkSession spark, String location) {
    return lastRecorded(spark, location).map(token::equals).orElse(false);
  }

  private static Optional<String> lastRecorded(SparkSession spark, String location) {
    List<Row> commits = DeltaTable.forPath(spark, location).history(HISTORY_DEPTH)
        .select("operation", "userMetadata").collectAsList();
    for (Row commit : commits) {
      String metadata = commit.getString(1);
      if (metadata != null && metadata.startsWith(PREFIX)) {
        return Optional.of(metadata);
      }
      if (!CONTENT_PRESERVING.contains(commit.getString(0))) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** True when every commit after {@code version} left the rows as they were (maintenance, properties, constraints). */
  static boolean rowsUnchangedSince(SparkSession spark, String location, long version, long current) {
    if (current - version > HISTORY_DEPTH) {
      return false;
    }
    List<Row> commits = DeltaTable.forPath(spark, location).history((int) (current - version))
        .select("version", "operation").collectAsList();
    return commits.stream().allMatch(c -> c.getLong(0) > version && CONTENT_PRESERVING.contains(c.getString(1)));
  }

  /** Runs {@code write} with this digest as the user metadata of the commit it makes. */
  void recordIn(SparkSession spark, Runnable write) {
    String key = "spark.databricks.delta.commitInfo.userMetadata";
    spark.conf().set(key, token);
    try {
      write.run();
    } finally {
      spark.conf().unset(key);
    }
  }
}
