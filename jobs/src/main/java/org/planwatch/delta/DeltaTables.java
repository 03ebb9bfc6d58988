package org.planwatch.delta;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaMergeBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates planwatch's Delta tables from their declared schemas, registers them by name, and writes
 * them with MERGE on their keys so that a rerun with the same inputs changes no row.
 */
public final class DeltaTables {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);

  private final SparkSession spark;
  private final Warehouse warehouse;

  public DeltaTables(SparkSession spark, Warehouse warehouse) {
    this.spark = spark;
    this.warehouse = warehouse;
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  /**
   * Creates the table at its warehouse location if it does not exist, with the declared columns,
   * comments, CHECK constraints and change data feed, and registers it by name. A derived table
   * (bronze, silver, gold) whose stored columns differ from the declared ones is recreated: every run
   * rebuilds it from the datasets. Done once per table and process.
   */
  public void ensure(TableSchema table) {
    if (ensured.contains(table.qualifiedName())) {
      return;
    }
    ensureDatabase(table.layer());
    String location = warehouse.location(table);
    boolean exists = DeltaTable.isDeltaTable(spark, location);
    if (exists && !sameColumns(DeltaTable.forPath(spark, location).toDF().schema(), table.columns())) {
      if (table.layer().equals("ops")) {
        throw new IllegalStateException(
            table + " at " + location + " has other columns than schemas/ops/" + table.table()
                + ".ddl; it holds history, so planwatch will not replace it: migrate it by hand");
      }
      LOG.warn("{}: stored columns differ from the declared schema; recreating it", table);
      spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName());
      builder(DeltaTable.createOrReplace(spark), table, location).execute();
      createdEmpty.add(table.qualifiedName());
    } else if (!exists) {
      builder(DeltaTable.createIfNotExists(spark), table, location).execute();
      createdEmpty.add(table.qualifiedName());
    } else if (!spark.catalog().tableExists(table.qualifiedName())) {
      // A table on disk the catalog does not know (a new metastore): registered, rows kept. By location
      // only: its log has the columns, and properties written since (content digests) would not match
      // the declared ones, which Delta refuses for a CREATE over an existing table.
      org.planwatch.spark.TableRegistry.register(spark, table.qualifiedName(), location);
    }
    syncConstraints(table);
    ensured.add(table.qualifiedName());
  }

  private final java.util.Set<String> ensured = new java.util.HashSet<>();
  /** Tables this process created and has not written yet: known to be empty. */
  private final java.util.Set<String> createdEmpty = new java.util.HashSet<>();

  private io.delta.tables.DeltaTableBuilder builder(
      io.delta.tables.DeltaTableBuilder builder, TableSchema table, String location) {
    builder =
        builder
            .tableName(table.qualifiedName())
            .location(location)
            .addColumns(table.columns())
            .comment(table.comment())
            .property("delta.enableChangeDataFeed", "true");
    // Constraints and their fingerprint go into the creating commit: one commit per table instead of
    // one per constraint (a fresh warehouse has some 150), and no moment where the table lacks them.
    Map<String, String> checks = declaredChecks(table);
    for (Map.Entry<String, String> check : checks.entrySet()) {
      builder = builder.property(CONSTRAINT_PREFIX + check.getKey().toLowerCase(java.util.Locale.ROOT), check.getValue());
    }
    builder = builder.property(FINGERPRINT, fingerprint(table, checks));
    if (!table.partitionColumns().isEmpty()) {
      builder = builder.partitionedBy(table.partitionColumns().toArray(String[]::new));
    }
    return builder;
  }

  private void ensureDatabase(String layer) {
    if (ensured.add("database " + layer)) {
      spark.sql(
          "CREATE DATABASE IF NOT EXISTS " + layer + " COMMENT '" + Layers.comment(layer) + "' LOCATION '"
              + warehouse.layerLocation(layer) + "'");
    }
  }

  /**
   * Brings the CHECK constraints to the declared ones when the declaration changed (a vocabulary
   * grew). The table keeps a fingerprint of its declaration in a property, so an unchanged table
   * costs one read of its properties and no commit.
   */
  private void syncConstraints(TableSchema table) {
    Map<String, String> wanted = declaredChecks(table);
    String fingerprint = fingerprint(table, wanted);
    // The cached snapshot's metadata, not DESCRIBE DETAIL: no Spark job for a check done on every run.
    Map<String, String> properties = scala.collection.JavaConverters.mapAsJavaMap(
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, warehouse.location(table))
            .unsafeVolatileSnapshot().metadata().configuration());
    if (fingerprint.equals(properties.get(FINGERPRINT))) {
      return;
    }
    for (String key : properties.keySet()) {
      if (key.startsWith(CONSTRAINT_PREFIX)) {
        spark.sql("ALTER TABLE " + table.qualifiedName() + " DROP CONSTRAINT " + key.substring(CONSTRAINT_PREFIX.length()));
      }
    }
    wanted.forEach((name, expression) ->
        spark.sql("ALTER TABLE " + table.qualifiedName() + " ADD CONSTRAINT " + name + " CHECK (" + expression + ")"));
    spark.sql("ALTER TABLE " + table.qualifiedName() + " SET TBLPROPERTIES ('" + FINGERPRINT + "' = '" + fingerprint + "')");
  }

  private static final String FINGERPRINT = "planwatch.declaration";
  private static final String CONSTRAINT_PREFIX = "delta.constraints.";

  /** The table's CHECK constraints by name: declared in its schema file and implied by its vocabularies. */
  private static Map<String, String> declaredChecks(TableSchema table) {
    Map<String, String> checks = new LinkedHashMap<>(table.checks());
    checks.putAll(Constraints.vocabularyChecks(table));
    return checks;
  }

  private static String fingerprint(TableSchema table, Map<String, String> checks) {
    return Integer.toHexString((table.columns().toDDL() + table.comment() + checks).hashCode());
  }

  /**
   * Makes the table hold exactly {@code rows} within {@code scope} (a SQL condition on the table's
   * columns, or null for the whole table): new keys are inserted, changed rows updated, rows no longer
   * produced deleted, unchanged rows left alone. When the table's last write recorded the same content
   * digest ({@link ContentFingerprint}) nothing is read or written; otherwise the difference is counted
   * first, and when there is none, nothing is written (no new table version, an empty change feed).
   */
  public WriteResult merge(TableSchema table, Dataset<Row> rows, String scope) {
    long t0 = System.nanoTime();
    ensure(table);
    long t1 = System.nanoTime();
    List<String> columns = table.columnNames();
    // Computed once for the difference and the MERGE: planning a large source twice costs more than holding it.
    Dataset<Row> source =
        rows.select(columns.stream().map(rows::col).toArray(org.apache.spark.sql.Column[]::new))
            .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      return mergePersisted(table, source, scope, t0, t1);
    } finally {
      source.unpersist();
    }
  }

  private WriteResult mergePersisted(TableSchema table, Dataset<Row> source, String scope, long t0, long t1) {
    List<String> columns = table.columnNames();
    String location = warehouse.location(table);
    ContentFingerprint content = ContentFingerprint.of(source, table, scope);
    if (createdEmpty.remove(table.qualifiedName())) {
      // Into a table just created, every row is an insert: an append writes the same rows as the
      // MERGE would, without the difference join and the MERGE's join against an empty table.
      long t2 = System.nanoTime();
      if (content.rows() > 0) {
        content.recordIn(spark, () -> source.write().format("delta").mode("append").save(location));
      } else {
        recordDigest(content, location);
      }
      long t3 = System.nanoTime();
      return new WriteResult(table.qualifiedName(), content.rows(), content.rows(), 0, 0, version(table),
          millis(t0, t1), millis(t1, t2), millis(t2, t3));
    }
    if (content.matchesLastWrite(spark, location)) {
      return new WriteResult(table.qualifiedName(), content.rows(), 0, 0, 0, version(table),
          millis(t0, t1), millis(t1, System.nanoTime()), 0);
    }
    Dataset<Row> current = spark.read().format("delta").load(location);
    if (scope != null) {
      current = current.where(scope);
    }
    Difference diff = Difference.of(source, current, table);
    long t2 = System.nanoTime();
    DeltaTable target = DeltaTable.forPath(spark, location);
    if (!diff.any()) {
      // Same rows, but no commit says so (a table written before digests, or after another writer):
      // one metadata commit records the digest, so the next run skips the comparison.
      recordDigest(content, location);
      return new WriteResult(table.qualifiedName(), diff.sourceRows(), 0, 0, 0, version(table),
          millis(t0, t1), millis(t1, t2), 0);
    }
    String on = table.keys().stream().map(k -> "t." + k + " <=> s." + k).collect(Collectors.joining(" AND "));
    String targetScope = scope == null ? null : qualify(scope, columns);
    if (targetScope != null) {
      on = on + " AND (" + targetScope + ")";
    }
    Map<String, String> insert = new LinkedHashMap<>();
    columns.forEach(c -> insert.put(c, "s." + c));
    Map<String, String> update = new LinkedHashMap<>();
    table.valueColumns().forEach(c -> update.put(c, "s." + c));

    DeltaMergeBuilder merge = target.as("t").merge(source.as("s"), on);
    if (!update.isEmpty()) {
      merge = merge.whenMatched(Difference.changedCondition(table)).updateExpr(update);
    }
    merge = merge.whenNotMatched().insertExpr(insert);
    DeltaMergeBuilder complete = targetScope == null
        ? merge.whenNotMatchedBySource().delete() : merge.whenNotMatchedBySource(targetScope).delete();
    content.recordIn(spark, complete::execute);
    long t3 = System.nanoTime();
    return new WriteResult(table.qualifiedName(), diff.sourceRows(), diff.inserted(), diff.updated(), diff.deleted(), version(table),
        millis(t0, t1), millis(t1, t2), millis(t2, t3));
  }

  /** A metadata-only commit that records the digest of rows the table already holds. */
  private void recordDigest(ContentFingerprint content, String location) {
    content.recordIn(spark, () -> spark.sql("ALTER TABLE delta.`" + location + "` SET TBLPROPERTIES ('"
        + ContentFingerprint.PROPERTY + "' = '" + content.token() + "')"));
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }

  /** Which Delta table is at the table's location (its id, new with every CREATE) and its latest version. */
  public record TableState(String tableId, long version) {}

  /** The table's id and latest version, from its log (no Spark job); call after {@link #ensure}. */
  public TableState state(TableSchema table) {
    org.apache.spark.sql.delta.Snapshot snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, warehouse.location(table))
        .update(false, scala.Option.empty(), scala.Option.empty());
    return new TableState(snapshot.metadata().id(), snapshot.version());
  }

  /**
   * Whether the table holds the rows it held at {@code earlier}: the same Delta table, and no commit
   * since changed rows (OPTIMIZE, VACUUM and property changes do not).
   */
  public boolean rowsAsAt(TableSchema table, TableState earlier) {
    TableState now = state(table);
    if (!now.tableId().equals(earlier.tableId()) || now.version() < earlier.version()) {
      return false;
    }
    return now.version() == earlier.version()
        || ContentFingerprint.rowsUnchangedSince(spark, warehouse.location(table), earlier.version(), now.version());
  }

  private long version(TableSchema table) {
    return org.apache.spark.sql.delta.DeltaLog.forTable(spark, warehouse.location(table))
        .update(false, scala.Option.empty(), scala.Option.empty()).version();
  }

  /** Prefixes the table's column names in a scope condition with {@code t.}. */
  private static String qualify(String scope, List<String> columns) {
    String out = scope;
    for (String c : columns) {
      out = out.replaceAll("(?<![\\w.])" + c + "(?![\\w])", "t." + c);
    }
    return out;
  }

  static boolean sameColumns(StructType stored, StructType declared) {
    if (stored.fields().length != declared.fields().length) {
      return false;
    }
    for (int i = 0; i < declared.fields().length; i++) {
      StructField a = stored.fields()[i];
      StructField b = declared.fields()[i];
      if (!a.name().equals(b.name()) || !a.dataType().sameType(b.dataType())) {
        return false;
      }
    }
    return true;
  }
}
