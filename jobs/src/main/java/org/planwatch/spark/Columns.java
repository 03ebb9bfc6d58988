package org.planwatch.spark;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/** Column names as the Spark Java API takes them. */
public final class Columns {
  private Columns() {}

  /** The named columns, for {@code select}. */
  public static Column[] of(List<String> names) {
    return names.stream().map(functions::col).toArray(Column[]::new);
  }

  /** The names as a Scala sequence, for {@code join(other, usingColumns)}. */
  public static scala.collection.Seq<String> seq(List<String> names) {
    return scala.collection.JavaConverters.asScalaBuffer(names).toSeq();
  }
}
