package org.planwatch.delta;

import static org.apache.spark.sql.functions.lit;

import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.planwatch.schema.TableSchema;

/**
 * Which slices of a sliced table ({@link TableSchema#sliceColumn}) a write replaces: the rows it is
 * given are the whole content of those slices, and every other slice is left as it is. A table
 * without a slice column is always written whole.
 */
public final class WriteScope {
  private static final WriteScope WHOLE = new WriteScope("the whole table", s -> true, null);

  private final String description;
  private final Predicate<String> includes;
  /** The condition on the slice column; null for every slice. */
  private final BiFunction<Column, DataType, Column> condition;

  private WriteScope(String description, Predicate<String> includes, BiFunction<Column, DataType, Column> condition) {
    this.description = description;
    this.includes = includes;
    this.condition = condition;
  }

  /** Every slice: rows the write is not given are deleted. */
  public static WriteScope whole() {
    return WHOLE;
  }

  /** The slices up to a date (a date slice column): rows for later dates, from a run with a later --as-of, are left alone. */
  public static WriteScope upTo(LocalDate last) {
    String bound = last.toString();
    return new WriteScope("slices up to " + bound, s -> s.compareTo(bound) <= 0,
        (column, type) -> column.leq(lit(java.sql.Date.valueOf(last))));
  }

  /**
   * The slices from one date up to another (a date slice column): what a change of actuals dated
   * {@code first} or later reaches, leaving earlier dates and those after the run date alone.
   */
  public static WriteScope between(LocalDate first, LocalDate last) {
    String from = first.toString();
    String bound = last.toString();
    return new WriteScope("slices from " + from + " up to " + bound, s -> s.compareTo(from) >= 0 && s.compareTo(bound) <= 0,
        (column, type) -> column.between(lit(java.sql.Date.valueOf(first)), lit(java.sql.Date.valueOf(last))));
  }

  /** This scope and the listed slices too. */
  public WriteScope andSlices(Set<String> slices) {
    if (slices.isEmpty() || isWhole()) {
      return this;
    }
    WriteScope listed = only(slices);
    return new WriteScope(description + " and " + listed, s -> includes(s) || listed.includes(s),
        (column, type) -> condition(column, type).or(listed.condition(column, type)));
  }

  /** The listed slices only (by their values as strings, e.g. input files). */
  public static WriteScope only(Set<String> slices) {
    Set<String> values = new TreeSet<>(slices);
    return new WriteScope("slices " + values, values::contains, (column, type) -> in(column, type, values));
  }

  /** The rows of {@code rows} that lie in this scope's slices of {@code table} (all of them for the whole table). */
  public org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rowsOf(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, TableSchema table) {
    if (isWhole()) {
      return rows;
    }
    String slice = table.sliceColumn().orElseThrow(() -> new IllegalArgumentException(table + " has no slice column"));
    return rows.where(condition(rows.col(slice), table.field(slice).dataType()));
  }

  boolean includes(String slice) {
    return includes.test(slice);
  }

  boolean isWhole() {
    return condition == null;
  }

  /** The condition on {@code column} (the slice column) that selects the scope's rows; null for the whole table. */
  Column condition(Column column, DataType type) {
    return condition == null ? null : condition.apply(column, type);
  }

  /** {@code column IN (values)}, the values typed as the column (a date slice compares as a date, which data skipping can use). */
  private static Column in(Column column, DataType type, Set<String> values) {
    Object[] typed = values.stream()
        .map(v -> type.sameType(DataTypes.DateType) ? (Object) java.sql.Date.valueOf(v) : v)
        .toArray();
    return typed.length == 0 ? lit(false) : column.isin(typed);
  }

  @Override
  public String toString() {
    return description;
  }
}
