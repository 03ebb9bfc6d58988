package org.planwatch.gold;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StructField;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Columns;

/** How every gold table's rows leave gold: in the schema's columns and types, doubles rounded. */
final class GoldColumns {
  /** No published figure has more decimals; 0.30000000000000004 reads as 0.3. */
  static final int DECIMALS = 10;

  private GoldColumns() {}

  /**
   * The schema's columns, cast, doubles rounded to {@link #DECIMALS} ({@link Columns#round}), in a
   * projection of their own: the rounding reads the finished figures, not the formulas.
   */
  static Dataset<Row> select(Dataset<Row> rows, TableSchema schema) {
    List<Column> typed = new ArrayList<>();
    List<Column> rounded = new ArrayList<>();
    for (StructField f : schema.columns().fields()) {
      typed.add(col(f.name()).cast(f.dataType()).as(f.name()));
      rounded.add(f.dataType() instanceof DoubleType ? Columns.round(col(f.name()), DECIMALS).as(f.name()) : col(f.name()));
    }
    return rows.select(typed.toArray(Column[]::new)).select(rounded.toArray(Column[]::new));
  }
}
