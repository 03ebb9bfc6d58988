package org.planwatch.delta;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaMergeBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
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
    // The columns from the log's latest snapshot, not a DataFrame of the table: no plan analysed per
    // table and night (3% of the driver's time of a served night; docs/performance.md, thirty-second session).
    org.apache.spark.sql.delta.Snapshot snapshot = latestSnapshot(spark, location);
    boolean exists = snapshot.version() >= 0;
    if (exists && !sameColumns(snapshot.schema(), table.columns())) {
      if (table.layer().equals("ops")) {
        throw new IllegalStateException(
            table + " at " + location + " has other columns than schemas/ops/" + table.table()
                + ".ddl; it holds history, so planwatch will not replace it: migrate it by hand");
      }
      LOG.warn("{}: stored columns differ from the declared schema; recreating it", table);
      // Replaced by its location, then named again: Delta takes a CREATE OR REPLACE of a table the catalog
      // does not hold (a new metastore, or just dropped) for a CREATE, and refuses it over a log of other columns.
      spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName());
      builder(DeltaTable.replace(spark), table, location).tableName(null).execute();
      org.planwatch.spark.TableRegistry.register(spark, table.qualifiedName(), location);
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
    Map<String, String> properties = storedProperties(table);
    syncConstraints(table, properties);
    syncProperties(table, properties);
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
    for (Map.Entry<String, String> property : wantedProperties(table).entrySet()) {
      builder = builder.property(property.getKey(), property.getValue());
    }
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

  /** The table's properties, from the cached snapshot's metadata, not DESCRIBE DETAIL: no Spark job for a check done on every run. */
  private Map<String, String> storedProperties(TableSchema table) {
    return scala.collection.JavaConverters.mapAsJavaMap(
        org.apache.spark.sql.delta.DeltaLog.forTable(spark, warehouse.location(table))
            .unsafeVolatileSnapshot().metadata().configuration());
  }

  /**
   * Brings the CHECK constraints to the declared ones when the declaration changed (a vocabulary
   * grew). The table keeps a fingerprint of its declaration in a property, so an unchanged table
   * costs one read of its properties and no commit.
   */
  private void syncConstraints(TableSchema table, Map<String, String> properties) {
    Map<String, String> wanted = declaredChecks(table);
    String fingerprint = fingerprint(table, wanted);
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

  /**
   * Sets the wanted properties a table lacks or holds with other values, e.g. a table made before its
   * statistics columns were chosen (its later files then record only them): one commit, once; an
   * unchanged table costs none.
   */
  private void syncProperties(TableSchema table, Map<String, String> stored) {
    List<String> differing = wantedProperties(table).entrySet().stream()
        .filter(p -> !p.getValue().equals(stored.get(p.getKey())))
        .map(p -> "'" + p.getKey() + "' = '" + p.getValue() + "'")
        .toList();
    if (!differing.isEmpty()) {
      spark.sql("ALTER TABLE " + table.qualifiedName() + " SET TBLPROPERTIES (" + String.join(", ", differing) + ")");
    }
  }

  /** The table properties planwatch keeps besides its constraints: the statistics' columns and those its .ddl declares. */
  private static Map<String, String> wantedProperties(TableSchema table) {
    Map<String, String> wanted = new LinkedHashMap<>();
    String statsColumns = statsColumns(table);
    if (!statsColumns.isEmpty()) {
      wanted.put(STATS_COLUMNS, statsColumns);
    }
    wanted.putAll(table.properties());
    return wanted;
  }

  /** The Delta property naming the columns whose minimum and maximum each data file records. */
  private static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";

  /**
   * The columns Delta records file statistics of: the keys and the slice column, the ones the writes'
   * MERGE conditions, the slices read back and BI filters name. Delta's default, the first 32
   * columns, put long texts (names, notes) in every file's statistics: 6% of a base run's CPU at
   * --scale 0.1, for no file skipped. Partition columns need none (Delta prunes by directory).
   */
  static String statsColumns(TableSchema table) {
    java.util.Set<String> columns = new java.util.LinkedHashSet<>(table.keys());
    table.sliceColumn().ifPresent(columns::add);
    table.partitionColumns().forEach(columns::remove);
    return String.join(",", columns);
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

  /** Makes the table hold exactly {@code rows}: {@link #merge(TableSchema, Dataset, WriteScope)} of the whole table. */
  public WriteResult merge(TableSchema table, Dataset<Row> rows) {
    return merge(table, rows, WriteScope.whole());
  }

  /**
   * Makes the table hold exactly {@code rows} within {@code scope}: new keys are inserted, changed rows
   * updated, rows no longer produced deleted, unchanged rows left alone. The rows' digests by slice
   * ({@link ContentFingerprint}) are compared with those the table's last write recorded: the table is
   * read and written only in the slices whose digests differ, and not at all when none does (no new
   * version, an empty change feed); slices it holds no row in are appended without reading it. Without
   * recorded digests every slice in scope is compared.
   */
  public WriteResult merge(TableSchema table, Dataset<Row> rows, WriteScope scope) {
    if (table.sliceColumn().isEmpty() && !scope.isWhole()) {
      throw new IllegalArgumentException(table + " has no slice column: it is written whole, not " + scope);
    }
    long t0 = System.nanoTime();
    ensure(table);
    long t1 = System.nanoTime();
    List<String> columns = table.columnNames();
    Dataset<Row> selected = rows.select(columns.stream().map(rows::col).toArray(org.apache.spark.sql.Column[]::new));
    // Computed once for the digests, the difference and the MERGE: planning a large source twice costs
    // more than holding it. Rows already held (a local checkpoint, as the stages hand over) are read as
    // they are: a second copy cost 12% of a base run's CPU, building compressed column batches.
    boolean held = readsHeldRows(selected);
    Dataset<Row> source = held ? selected : selected.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      return mergePersisted(table, source, scope, t0, t1);
    } finally {
      if (!held) {
        source.unpersist();
      }
    }
  }

  /**
   * Whether the rows are a held RDD's, at most with columns picked from it: a local checkpoint (or a
   * persisted RDD) read as it is, which costs no computation to read again.
   */
  static boolean readsHeldRows(Dataset<Row> rows) {
    org.apache.spark.sql.catalyst.plans.logical.LogicalPlan plan = rows.queryExecution().optimizedPlan();
    if (plan instanceof org.apache.spark.sql.catalyst.plans.logical.Project project
        && scala.collection.JavaConverters.seqAsJavaList(project.projectList()).stream()
            .allMatch(e -> e instanceof org.apache.spark.sql.catalyst.expressions.Attribute)) {
      plan = project.child();
    }
    return plan instanceof org.apache.spark.sql.execution.LogicalRDD held
        && held.rdd().getStorageLevel() != org.apache.spark.storage.StorageLevel.NONE();
  }

  /** Rows per data file a large first write of a sliced table aims at: its files then cover ranges of slices. */
  private static final long ROWS_PER_FILE = 1_000_000;

  private WriteResult mergePersisted(TableSchema table, Dataset<Row> source, WriteScope scope, long t0, long t1) {
    String location = warehouse.location(table);
    ContentFingerprint tonight = ContentFingerprint.of(source, table);
    for (String slice : tonight.slices()) {
      if (tonight.sliced() && !scope.includes(slice)) {
        throw new IllegalArgumentException(table + ": rows for " + table.sliceColumn().get() + " " + slice + " are outside " + scope);
      }
    }
    if (createdEmpty.remove(table.qualifiedName())) {
      // Into a table just created, every row is an insert: an append writes the same rows as the
      // MERGE would, without the difference join and the MERGE's join against an empty table.
      long t2 = System.nanoTime();
      if (tonight.rows() > 0) {
        Dataset<Row> out = source;
        if (tonight.sliced() && tonight.rows() > ROWS_PER_FILE && !tonight.slicesApart()) {
          // Files holding ranges of slices let a later write of one slice skip the others' files (rows
          // whose partitions hold one slice each already give such files: no shuffle for them).
          out = source.repartitionByRange((int) Math.ceil((double) tonight.rows() / ROWS_PER_FILE), source.col(table.sliceColumn().get()));
        }
        append(out, tonight, location);
      } else {
        recordDigest(tonight, location);
      }
      long t3 = System.nanoTime();
      return new WriteResult(table.qualifiedName(), tonight.rows(), tonight.rows(), 0, 0, version(table),
          millis(t0, t1), millis(t1, t2), millis(t2, t3), Optional.of(tonight.slices()));
    }
    Optional<ContentFingerprint> stored = tonight.storedIn(spark, location);
    Dataset<Row> current = spark.read().format("delta").load(location);
    DataType sliceType = table.sliceColumn().map(c -> table.field(c).dataType()).orElse(null);
    ContentFingerprint after;
    Function<Column, Column> compared;
    // Which slices the write changes, when digests tell (without them the difference is counted, not located).
    Optional<Set<String>> changedSlices = Optional.empty();
    if (stored.isPresent()) {
      Set<String> changed = tonight.changedFrom(stored.get(), scope);
      if (changed.isEmpty()) {
        return new WriteResult(table.qualifiedName(), stored.get().rows(), 0, 0, 0, version(table),
            millis(t0, t1), millis(t1, System.nanoTime()), 0, Optional.of(Set.of()));
      }
      changedSlices = Optional.of(changed);
      after = stored.get().replacing(changed, tonight);
      WriteScope changedScope = WriteScope.only(changed);
      compared = tonight.sliced() ? column -> changedScope.condition(column, sliceType) : column -> null;
      if (tonight.sliced()) {
        long others = stored.get().slices().stream().filter(s -> !changed.contains(s)).count();
        LOG.info("{}: rows changed for {} {} ({} slices); {} other slices left as they are", table, table.sliceColumn().get(),
            changed.size() <= 5 ? changed : changed.size() + " values", changed.size(), others);
      }
      if (tonight.sliced() && changed.stream().noneMatch(stored.get().slices()::contains)) {
        // Only slices the table holds no row in (its digests cover every slice it holds; a new quarter's
        // date): every row there is an insert, so the table is not read and no difference is computed.
        Dataset<Row> inserts = source.where(changedScope.condition(source.col(table.sliceColumn().get()), sliceType));
        long t2 = System.nanoTime();
        append(inserts, after, location);
        long t3 = System.nanoTime();
        return new WriteResult(table.qualifiedName(), after.rows(), tonight.rows(changed), 0, 0, version(table),
            millis(t0, t1), millis(t1, t2), millis(t2, t3), changedSlices);
      }
    } else {
      compared = column -> scope.condition(column, sliceType);
      // Digests of what the write leaves alone, for the next write to compare with.
      after = scope.isWhole() ? tonight
          : tonight.plus(ContentFingerprint.of(current.where(functions.not(compared.apply(current.col(table.sliceColumn().get())))), table));
    }
    Column sourceSlices = table.sliceColumn().map(c -> compared.apply(source.col(c))).orElse(null);
    Column currentSlices = table.sliceColumn().map(c -> compared.apply(current.col(c))).orElse(null);
    long t2;
    try (Difference diff = Difference.of(
        sourceSlices == null ? source : source.where(sourceSlices), currentSlices == null ? current : current.where(currentSlices), table)) {
      t2 = System.nanoTime();
      if (!diff.any()) {
        // Same rows, but no commit says so (a table written before digests, or after another writer):
        // one metadata commit records the digests, so the next run skips the comparison.
        recordDigest(after, location);
        return new WriteResult(table.qualifiedName(), after.rows(), 0, 0, 0, version(table),
            millis(t0, t1), millis(t1, t2), 0, Optional.of(Set.of()));
      }
      if (diff.updated == 0 && diff.deleted == 0) {
        // New keys only (a new quarter's actuals): an append writes the rows the MERGE's insert clause
        // would, and the change feed shows them as inserts, without the MERGE's two joins against the
        // table. The keys were found absent in the version just read, and the warehouse lock keeps other
        // runs from adding them since.
        append(diff.changes().drop(Difference.CHANGE), after, location);
        long t3 = System.nanoTime();
        return new WriteResult(table.qualifiedName(), after.rows(), diff.inserted, 0, 0, version(table),
            millis(t0, t1), millis(t1, t2), millis(t2, t3), changedSlices);
      }
      Column on = Difference.keysMatch(table, "t", "c");
      // A condition on the table alone, which Delta's data skipping uses to leave the other slices' files unread.
      Column targetSlices = table.sliceColumn().map(c -> compared.apply(col("t." + c))).orElse(null);
      if (targetSlices != null) {
        on = on.and(targetSlices);
      }
      Map<String, String> insert = new LinkedHashMap<>();
      table.columnNames().forEach(c -> insert.put(c, "c." + c));
      Map<String, String> update = new LinkedHashMap<>();
      table.valueColumns().forEach(c -> update.put(c, "c." + c));
      String kind = "c." + Difference.CHANGE;
      DeltaMergeBuilder merge = DeltaTable.forPath(spark, location).as("t").merge(diff.changes().as("c"), on)
          .whenMatched(kind + " = 'delete'").delete();
      if (!update.isEmpty()) {
        merge = merge.whenMatched(kind + " = 'update'").updateExpr(update);
      }
      DeltaMergeBuilder complete = merge.whenNotMatched(kind + " = 'insert'").insertExpr(insert);
      after.recordIn(spark, complete::execute);
      long t3 = System.nanoTime();
      return new WriteResult(table.qualifiedName(), after.rows(), diff.inserted, diff.updated, diff.deleted, version(table),
          millis(t0, t1), millis(t1, t2), millis(t2, t3), changedSlices);
    }
  }

  /** Appends {@code rows}, the commit recording {@code content}: the digests of the table's rows after it. */
  private void append(Dataset<Row> rows, ContentFingerprint content, String location) {
    content.recordIn(spark, () -> rows.write().format("delta").mode("append").save(location));
  }

  /** A metadata-only commit that records the digests of rows the table already holds. */
  private void recordDigest(ContentFingerprint content, String location) {
    // The property only makes the commit (and says which digests it recorded); the digests are its user metadata.
    content.recordIn(spark, () -> spark.sql("ALTER TABLE delta.`" + location + "` SET TBLPROPERTIES ('"
        + ContentFingerprint.PROPERTY + "' = '" + org.planwatch.spark.Sha256.of(content.token()).substring(0, 16) + "')"));
  }

  private static long millis(long from, long to) {
    return (to - from) / 1_000_000;
  }

  /** Which Delta table is at the table's location (its id, new with every CREATE) and its latest version. */
  public record TableState(String tableId, long version) {}

  /** The table's id and latest version, from its log (no Spark job); call after {@link #ensure}. */
  public TableState state(TableSchema table) {
    org.apache.spark.sql.delta.Snapshot snapshot = latestSnapshot(spark, warehouse.location(table));
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

  /**
   * The values of the table's slice column that have rows, as the digests of its last write recorded
   * them (no Spark job over the rows); empty when they are not known (a write by hand since).
   */
  public Optional<Set<String>> recordedSlices(TableSchema table) {
    return ContentFingerprint.recordedSlices(spark, warehouse.location(table));
  }

  /**
   * The values of the table's slice column whose rows differ between {@code version} and now ("*" for a
   * table without slices), from the digests the writes recorded; empty when they are not known.
   */
  public Optional<Set<String>> changedSlicesSince(TableSchema table, long version) {
    return ContentFingerprint.changedSlicesSince(spark, warehouse.location(table), version);
  }

  private long version(TableSchema table) {
    return latestSnapshot(spark, warehouse.location(table)).version();
  }

  /**
   * The table's snapshot at its latest commit: the log's listing since the cached snapshot, read on
   * the driver (no Spark job while the version checksum holds protocol and metadata), synchronously.
   */
  static org.apache.spark.sql.delta.Snapshot latestSnapshot(SparkSession spark, String location) {
    return latestSnapshot(org.apache.spark.sql.delta.DeltaLog.forTable(spark, location));
  }

  /** {@link #latestSnapshot(SparkSession, String)} of a log already looked up. */
  static org.apache.spark.sql.delta.Snapshot latestSnapshot(org.apache.spark.sql.delta.DeltaLog log) {
    return log.update(false, scala.Option.empty(), scala.Option.empty());
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
