package org.planwatch.spark;

import java.net.URI;
import java.nio.file.Path;
import org.planwatch.schema.TableSchema;

/**
 * Where planwatch keeps its tables: {@code <root>/<layer>/<table>} for each Delta table, and the
 * embedded metastore in {@code <root>/metastore_db}. The root may be a local folder or any Hadoop
 * file system URI (hdfs://, s3a://).
 */
public final class Warehouse {
  private final String root;

  private Warehouse(String root) {
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  /** A local path is made absolute (the metastore records absolute locations); URIs are kept. */
  public static Warehouse at(String location) {
    URI uri = URI.create(location.replace(" ", "%20"));
    if (uri.getScheme() == null || uri.getScheme().length() == 1) {
      return new Warehouse(Path.of(location).toAbsolutePath().normalize().toString());
    }
    return new Warehouse(location);
  }

  public String root() {
    return root;
  }

  public boolean isLocal() {
    return root.startsWith("/") || root.startsWith("file:");
  }

  /** The folder of a local warehouse ({@link #isLocal}), where its lock and the server's address files live. */
  public java.nio.file.Path localFolder() {
    return java.nio.file.Path.of(root.replaceFirst("^file:", ""));
  }

  public String layerLocation(String layer) {
    return root + "/" + layer;
  }

  public String location(TableSchema table) {
    return location(table.layer(), table.table());
  }

  public String location(String layer, String table) {
    return layerLocation(layer) + "/" + table;
  }

  public String metastoreDirectory() {
    return root + "/metastore_db";
  }

  @Override
  public String toString() {
    return root;
  }
}
