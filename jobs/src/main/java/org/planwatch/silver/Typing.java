package org.planwatch.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.planwatch.bronze.CsvInput;
import org.planwatch.rules.ColumnVocabularies;
import org.planwatch.schema.TableSchema;

/**
 * Turns bronze strings into the types of the silver schema. Every cast is checked: a value that is
 * not of its type is a problem of the row naming the field and the value, never a silent null.
 */
public final class Typing {
  private static final String DECIMAL = "^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$";
  private static final String INTEGER = "^[+-]?[0-9]+$";
  private static final String DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

  private Typing() {}

  /**
   * The bronze rows with each shared column cast to its silver type, the raw record kept as JSON
   * for the quarantine, and the problems found so far: read errors, values not of their type,
   * empty required fields, codes outside their vocabulary.
   */
  public static Checked typed(Dataset<Row> bronze, TableSchema bronzeSchema, TableSchema silver) {
    List<String> csvColumns = CsvInput.csvColumns(bronzeSchema);
    List<Column> select = new ArrayList<>();
    select.add(col("input_file"));
    select.add(col("input_line"));
    select.add(col("read_error"));
    // A struct, written as JSON only for the rows quarantined (Checked.split): most rows are valid.
    select.add(struct(csvColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)).as(Checked.RECORD));
    for (String c : csvColumns) {
      select.add(raw(c).as("_raw_" + c));
      if (silver.hasColumn(c)) {
        select.add(cast(raw(c), silver.field(c).dataType()).as(c));
      }
    }
    Checked checked =
        new Checked(silver.table(), bronze.select(select.toArray(Column[]::new)))
            .check(col("read_error").isNotNull(), "(record)", lit(null), col("read_error"));
    Map<String, List<String>> vocabularies = ColumnVocabularies.of(silver.table());
    // A read error already explains every field of the row: do not pile on.
    Column readable = col("read_error").isNull();
    for (String c : csvColumns) {
      if (!silver.hasColumn(c)) {
        continue;
      }
      StructField field = silver.field(c);
      Column raw = col("_raw_" + c);
      Column typeProblem = typeProblem(raw, field.dataType());
      if (typeProblem != null) {
        checked = checked.checkReason(when(readable, typeProblem), c, raw);
      }
      if (!field.nullable()) {
        checked = checked.check(readable.and(raw.isNull()), c, raw, lit("required field is empty"));
      }
      List<String> codes = vocabularies.get(c);
      if (codes != null) {
        checked = checked.check(readable.and(raw.isNotNull()).and(raw.isin(codes.toArray()).unary_$bang()), c, raw,
            lit("unknown code; expected one of: " + String.join(", ", codes)));
      }
    }
    return checked;
  }

  /** Trimmed, with the empty string as null. */
  static Column raw(String column) {
    Column t = trim(col(column));
    return when(t.equalTo(""), lit(null).cast("string")).otherwise(t);
  }

  static Column cast(Column raw, DataType type) {
    if (type instanceof DoubleType) {
      return when(raw.rlike(DECIMAL), raw.cast("double"));
    }
    if (type instanceof IntegerType || type instanceof LongType) {
      return when(raw.rlike(INTEGER), raw.cast(type));
    }
    if (type instanceof DateType) {
      // A cast, not to_date with a pattern: the same dates once the pattern matched, without a formatter
      // (parsing dates that way was a fifth of the silver checks' CPU).
      return when(raw.rlike(DATE), raw.cast("date"));
    }
    if (type instanceof BooleanType) {
      return when(lower(raw).isin("true", "false"), lower(raw).equalTo("true"));
    }
    return raw.cast(type);
  }

  /** Why a non-empty raw value is not of the type, or null when it is. */
  static Column typeProblem(Column raw, DataType type) {
    Column present = raw.isNotNull();
    if (type instanceof DoubleType) {
      return when(present.and(raw.rlike(DECIMAL).unary_$bang()),
          when(raw.contains("%"), lit("percent sign in a number: write the number only, the unit is in the indicator catalogue"))
              .when(raw.rlike("^\\[.*\\]$"), lit("brackets in a number: write the number; cumulative figures are marked by their kind column"))
              .when(raw.rlike("^[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?$"), lit("thousands separator in a number: write digits only"))
              .otherwise(lit("not a number")));
    }
    if (type instanceof IntegerType || type instanceof LongType) {
      return when(present.and(raw.rlike(INTEGER).unary_$bang()), lit("not a whole number"));
    }
    if (type instanceof DateType) {
      return when(present.and(raw.rlike(DATE).and(raw.cast("date").isNotNull()).unary_$bang()),
          lit("not a date: write YYYY-MM-DD"));
    }
    if (type instanceof BooleanType) {
      return when(present.and(lower(raw).isin("true", "false").unary_$bang()), lit("not a boolean: write true or false"));
    }
    return null;
  }
}
