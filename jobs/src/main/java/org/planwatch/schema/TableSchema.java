package org.planwatch.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table as declared in {@code schemas/<layer>/<table>.ddl}: columns with comments, keys, and where
 * its input comes from. See {@code schemas/README.md} for the file format.
 */
public final class TableSchema {
  private final String qualifiedName;
  private final String comment;
  private final StructType columns;
  private final List<String> keys;
  private final List<String> volatileColumns;
  private final List<String> partitionColumns;
  private final String sliceColumn;
  private final Map<String, String> checks;
  private final Map<String, String> properties;
  private final String sourceFolder;
  private final boolean required;

  TableSchema(
      String qualifiedName,
      String comment,
      StructType columns,
      List<String> keys,
      List<String> volatileColumns,
      List<String> partitionColumns,
      String sliceColumn,
      Map<String, String> checks,
      Map<String, String> properties,
      String sourceFolder,
      boolean required) {
    this.qualifiedName = qualifiedName;
    this.comment = comment;
    this.columns = columns;
    this.keys = List.copyOf(keys);
    this.volatileColumns = List.copyOf(volatileColumns);
    this.partitionColumns = List.copyOf(partitionColumns);
    this.sliceColumn = sliceColumn;
    this.checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    this.sourceFolder = sourceFolder;
    this.required = required;
  }

  /** {@code layer.table}, e.g. {@code silver.plan_target}. */
  public String qualifiedName() {
    return qualifiedName;
  }

  public String layer() {
    return qualifiedName.substring(0, qualifiedName.indexOf('.'));
  }

  public String table() {
    return qualifiedName.substring(qualifiedName.indexOf('.') + 1);
  }

  public String comment() {
    return comment;
  }

  public StructType columns() {
    return columns;
  }

  public List<String> columnNames() {
    return List.of(columns.fieldNames());
  }

  public StructField field(String name) {
    return columns.apply(name);
  }

  public boolean hasColumn(String name) {
    return columns.getFieldIndex(name).isDefined();
  }

  public List<String> keys() {
    return keys;
  }

  public List<String> volatileColumns() {
    return volatileColumns;
  }

  public List<String> partitionColumns() {
    return partitionColumns;
  }

  /**
   * The column whose values cut the table into slices (an evaluation date, an input file): each slice's
   * rows have their own digest, and a write compares and rewrites only the slices whose rows changed.
   * Empty for a table written as a whole.
   */
  public Optional<String> sliceColumn() {
    return Optional.ofNullable(sliceColumn);
  }

  /** CHECK constraints by name. */
  public Map<String, String> checks() {
    return checks;
  }

  /** Delta table properties declared for this table (besides those every table gets), by name. */
  public Map<String, String> properties() {
    return properties;
  }

  /** Bronze only: the {@code datasets/} sub-folder feeding this table. */
  public Optional<String> sourceFolder() {
    return Optional.ofNullable(sourceFolder);
  }

  public boolean required() {
    return required;
  }

  /** Columns that are neither keys nor volatile: a change in one of them is a real change of the row. */
  public List<String> valueColumns() {
    List<String> out = new ArrayList<>();
    for (String c : columns.fieldNames()) {
      if (!keys.contains(c) && !volatileColumns.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return qualifiedName;
  }
}
