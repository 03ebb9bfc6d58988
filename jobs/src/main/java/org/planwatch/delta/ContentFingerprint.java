package org.planwatch.delta;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;

/**
 * Order-independent digests of the rows a write puts into a table, one per slice of the table
 * ({@link TableSchema#sliceColumn}; a table without one is a single slice), recorded in the commit's
 * user metadata. A digest is the row count and two sums of row hashes over the key and value columns.
 * When the table's last data-changing commit recorded the digests tonight's rows have, the table holds
 * them already and is neither read nor written; when some slices differ, only those are compared and
 * rewritten, so a new quarter of actuals costs its own rows, not the history's.
 */
final class ContentFingerprint {
  private static final String PREFIX = "planwatch-content v2 ";
  /** The table property a metadata-only commit sets when it records digests for rows already there. */
  static final String PROPERTY = "planwatch.content";
  /** The single slice of a table without a slice column. */
  private static final String WHOLE = "*";
  /** Commits that leave a table's rows as they were: maintenance and metadata changes. */
  private static final Set<String> CONTENT_PRESERVING = Set.of(
      "OPTIMIZE", "VACUUM START", "VACUUM END", "SET TBLPROPERTIES", "UNSET TBLPROPERTIES",
      "ADD CONSTRAINT", "DROP CONSTRAINT", "CHANGE COLUMN");
  /** How far back the log is searched for the last recorded digests. */
  private static final int HISTORY_DEPTH = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String columns;
  private final String slice;
  /** "rows:xxhash-sum:hash-sum" by slice value, sorted. */
  private final SortedMap<String, String> digests;

  private static final String PARTITION = "_fingerprint_partition";

  /** {@link #slicesApart()}: false for a fingerprint read back, which knows no partitions. */
  private final boolean slicesApart;

  private ContentFingerprint(String columns, String slice, SortedMap<String, String> digests) {
    this(columns, slice, digests, false);
  }

  private ContentFingerprint(String columns, String slice, SortedMap<String, String> digests, boolean slicesApart) {
    this.columns = columns;
    this.slice = slice;
    this.digests = digests;
    this.slicesApart = slicesApart;
  }

  /** The digests of {@code rows}, by slice: one aggregate, whose result has a row per slice (not per row). */
  static ContentFingerprint of(Dataset<Row> rows, TableSchema table) {
    List<String> hashed = new ArrayList<>(table.keys());
    hashed.addAll(table.valueColumns());
    Column[] columns = Columns.of(hashed);
    // Sums as decimals: no overflow, and two independent hashes make a collision negligible.
    Column[] aggregates = {
        count(lit(1)), sum(xxhash64(columns).cast("decimal(38,0)")), sum(hash(columns).cast("decimal(38,0)"))};
    String slice = table.sliceColumn().orElse(null);
    // The first and last partition each slice is in: where no two slices' ranges overlap, no
    // partition holds two slices (bronze's, read file by file, when sliced by input file).
    List<Row> bySlice = slice == null
        ? rows.agg(aggregates[0], aggregates[1], aggregates[2]).collectAsList()
        : rows.withColumn(PARTITION, spark_partition_id()).groupBy(col(slice).cast("string"))
            .agg(aggregates[0], aggregates[1], aggregates[2], min(PARTITION), max(PARTITION)).collectAsList();
    SortedMap<String, String> digests = new TreeMap<>();
    List<int[]> partitionRanges = new ArrayList<>();
    for (Row r : bySlice) {
      int at = slice == null ? 0 : 1;
      if (r.getLong(at) == 0) {
        continue;
      }
      if (slice != null && r.isNullAt(0)) {
        throw new IllegalStateException(table + ": " + r.getLong(1) + " rows have no " + slice + ", the column the table is sliced by");
      }
      digests.put(slice == null ? WHOLE : r.getString(0), r.getLong(at) + ":" + r.get(at + 1) + ":" + r.get(at + 2));
      if (slice != null) {
        partitionRanges.add(new int[] {r.getInt(at + 3), r.getInt(at + 4)});
      }
    }
    // In order of their first partition, each range must start after every range before it ends.
    partitionRanges.sort(Comparator.comparingInt(range -> range[0]));
    boolean apart = slice != null;
    int lastEnd = -1;
    for (int[] range : partitionRanges) {
      apart &= range[0] > lastEnd;
      lastEnd = Math.max(lastEnd, range[1]);
    }
    return new ContentFingerprint(Integer.toHexString(hashed.hashCode()), slice, digests, apart);
  }

  /** The slice values with rows. */
  Set<String> slices() {
    return digests.keySet();
  }

  boolean sliced() {
    return slice != null;
  }

  /** Whether each partition of the rows digested ({@link #of}) held rows of one slice only. */
  boolean slicesApart() {
    return slicesApart;
  }

  long rows() {
    return rows(digests.keySet());
  }

  /** The rows in the given slices. */
  long rows(Set<String> slices) {
    return slices.stream().map(digests::get).filter(Objects::nonNull).mapToLong(d -> Long.parseLong(d.substring(0, d.indexOf(':')))).sum();
  }

  /**
   * The slices within {@code scope} whose rows differ between these digests and {@code stored}: a slice
   * with other rows, a new slice, or one whose rows are gone. Empty when the table holds these rows.
   */
  Set<String> changedFrom(ContentFingerprint stored, WriteScope scope) {
    Set<String> all = new TreeSet<>(digests.keySet());
    all.addAll(stored.digests.keySet());
    Set<String> changed = new TreeSet<>();
    for (String s : all) {
      boolean inScope = slice == null || scope.includes(s);
      if (inScope && !Objects.equals(digests.get(s), stored.digests.get(s))) {
        changed.add(s);
      }
    }
    return changed;
  }

  /** These digests with the given slices taken from {@code tonight} (and dropped where it has no rows). */
  ContentFingerprint replacing(Set<String> slices, ContentFingerprint tonight) {
    SortedMap<String, String> out = new TreeMap<>(digests);
    for (String s : slices) {
      String d = tonight.digests.get(s);
      if (d == null) {
        out.remove(s);
      } else {
        out.put(s, d);
      }
    }
    return new ContentFingerprint(columns, slice, out);
  }

  /** These digests and those of slices {@code others} has (slices outside a write's scope). */
  ContentFingerprint plus(ContentFingerprint others) {
    SortedMap<String, String> out = new TreeMap<>(others.digests);
    out.putAll(digests);
    return new ContentFingerprint(columns, slice, out);
  }

  /** What the commit's user metadata holds. */
  String token() {
    ObjectNode node = JSON.createObjectNode();
    node.put("columns", columns);
    node.put("slice", slice);
    ObjectNode d = node.putObject("digests");
    digests.forEach(d::put);
    try {
      return PREFIX + JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<ContentFingerprint> parse(String token) {
    try {
      JsonNode node = JSON.readTree(token.substring(PREFIX.length()));
      SortedMap<String, String> digests = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.get("digests").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        digests.put(e.getKey(), e.getValue().asText());
      }
      JsonNode slice = node.get("slice");
      return Optional.of(new ContentFingerprint(node.get("columns").asText(), slice == null || slice.isNull() ? null : slice.asText(), digests));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The digests the table's last data-changing commit recorded, when they were taken over the same
   * columns and slices as {@code tonight}'s; empty when a commit since changed rows without recording
   * digests (a write by hand), or none did.
   */
  Optional<ContentFingerprint> storedIn(SparkSession spark, String location) {
    return lastRecorded(spark, location)
        .filter(stored -> stored.columns.equals(columns) && Objects.equals(stored.slice, slice));
  }

  /**
   * The slice values whose rows the table's last data-changing commit recorded; empty when no digests
   * describe the table's rows (a commit since changed rows without recording them, or none did).
   */
  static Optional<Set<String>> recordedSlices(SparkSession spark, String location) {
    return lastRecorded(spark, location).map(ContentFingerprint::slices);
  }

  /** The digests describing the table's rows now (see {@link #recordedAmong}). */
  private static Optional<ContentFingerprint> lastRecorded(SparkSession spark, String location) {
    return recordedAmong(recentCommits(spark, location, HISTORY_DEPTH), Long.MAX_VALUE);
  }

  /** A commit as its log entry describes it. */
  private record Commit(long version, String operation, String userMetadata) {}

  /**
   * The table's last {@code depth} commits, newest first, read from their log files on the driver:
   * DESCRIBE HISTORY runs a Spark job to read them, a price paid by every write. Stops at a commit
   * whose file is gone (log retention) or holds no commit info.
   */
  private static List<Commit> recentCommits(SparkSession spark, String location, int depth) {
    org.apache.spark.sql.delta.DeltaLog log = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location);
    long latest = DeltaTables.latestSnapshot(log).version();
    org.apache.hadoop.conf.Configuration conf = log.newDeltaHadoopConf();
    List<Commit> commits = new ArrayList<>();
    for (long v = latest; v >= 0 && v > latest - depth; v--) {
      scala.Option<org.apache.spark.sql.delta.actions.CommitInfo> info;
      try {
        info = org.apache.spark.sql.delta.DeltaHistoryManager.getCommitInfoOpt(
            log.store(), org.apache.spark.sql.delta.util.FileNames$.MODULE$.unsafeDeltaFile(log.logPath(), v), conf);
      } catch (RuntimeException e) {
        break;
      }
      if (info.isEmpty()) {
        break;
      }
      commits.add(new Commit(v, info.get().operation(), info.get().userMetadata().getOrElse(() -> null)));
    }
    return commits;
  }

  /**
   * The slices whose rows differ between the table at {@code version} and now, from the digests the
   * writes recorded (no Spark job over the rows): slices with other rows, new slices and slices whose
   * rows are gone. Empty when digests do not describe both states (a write by hand, or {@code version}
   * further back than the history searched).
   */
  static Optional<Set<String>> changedSlicesSince(SparkSession spark, String location, long version) {
    List<Commit> commits = recentCommits(spark, location, HISTORY_DEPTH);
    Optional<ContentFingerprint> now = recordedAmong(commits, Long.MAX_VALUE);
    Optional<ContentFingerprint> then = recordedAmong(commits, version);
    if (now.isEmpty() || then.isEmpty() || !now.get().columns.equals(then.get().columns)
        || !Objects.equals(now.get().slice, then.get().slice)) {
      return Optional.empty();
    }
    return Optional.of(now.get().changedFrom(then.get(), WriteScope.whole()));
  }

  /** The digests describing the rows at {@code version}: the last commit up to it that recorded them, with only content-preserving commits after. */
  private static Optional<ContentFingerprint> recordedAmong(List<Commit> newestFirst, long version) {
    for (Commit commit : newestFirst) {
      if (commit.version() > version) {
        continue;
      }
      if (commit.userMetadata() != null && commit.userMetadata().startsWith(PREFIX)) {
        return parse(commit.userMetadata());
      }
      if (!CONTENT_PRESERVING.contains(commit.operation())) {
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
    List<Commit> commits = recentCommits(spark, location, (int) (current - version));
    return commits.size() == current - version
        && commits.stream().allMatch(c -> c.version() > version && CONTENT_PRESERVING.contains(c.operation()));
  }

  /** Runs {@code write} with these digests as the user metadata of the commit it makes. */
  void recordIn(SparkSession spark, Runnable write) {
    String key = "spark.databricks.delta.commitInfo.userMetadata";
    spark.conf().set(key, token());
    try {
      write.run();
    } finally {
      spark.conf().unset(key);
    }
  }
}
