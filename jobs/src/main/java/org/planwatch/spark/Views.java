package org.planwatch.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;

/**
 * The views a run publishes. {@code CREATE OR REPLACE VIEW} resolves the view's query, which loads the
 * Delta log of every table it reads, and rewrites the view in the metastore: about 5 s of a night that
 * changed nothing. A view that already holds the same definition, made by the same build of planwatch
 * (whose declared table schemas the view's columns come from), is left as it is; the definition's
 * digest is kept in the view's {@value #DEFINITION} property.
 */
public final class Views {
  public static final String DEFINITION = "planwatch.definition";

  private Views() {}

  /**
   * Creates or replaces {@code name} (database.view) as {@code CREATE OR REPLACE VIEW name header AS query}, unless it
   * already has this definition.
   *
   * @param header the column list and comment, e.g. {@code (`a` COMMENT '...') COMMENT '...'}
   */
  public static void createOrReplace(SparkSession spark, String name, String header, String query) {
    String digest = Sha256.of(CodeVersion.digest() + "\n" + header + "\nAS " + query);
    if (!digest.equals(storedDigest(spark, name))) {
      spark.sql("CREATE OR REPLACE VIEW " + name + " " + header + " TBLPROPERTIES ('" + DEFINITION + "' = '" + digest + "') AS " + query);
    }
  }

  /** The digest a view was created with; null when there is no such view (or it is a table). */
  static String storedDigest(SparkSession spark, String name) {
    int dot = name.indexOf('.');
    TableIdentifier id = new TableIdentifier(name.substring(dot + 1), scala.Option.apply(name.substring(0, dot)));
    CatalogTable table;
    try {
      table = spark.sessionState().catalog().getTableMetadata(id);
    } catch (org.apache.spark.sql.AnalysisException e) {
      return null; // no such database or view
    }
    if (!table.tableType().equals(CatalogTableType.VIEW())) {
      return null;
    }
    scala.Option<String> digest = table.properties().get(DEFINITION);
    return digest.isDefined() ? digest.get() : null;
  }

}
