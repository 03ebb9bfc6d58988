package org.planwatch.spark;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Without a metastore ({@code --metastore none}), each process registers the warehouse's Delta tables
 * by location when it starts, so SQL finds them by name all the same.
 */
public final class TableRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(TableRegistry.class);
  public static final List<String> LAYERS = List.of("bronze", "silver", "gold", "ops");

  private TableRegistry() {}

  /** Registers every Delta table under {@code <warehouse>/<layer>/<table>}; returns how many. */
  public static int registerAll(SparkSession spark, Warehouse warehouse) {
    Map<String, String> tables = deltaTables(spark, warehouse);
    for (String layer : LAYERS) {
      if (tables.keySet().stream().anyMatch(t -> t.startsWith(layer + "."))) {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + layer + " LOCATION '" + warehouse.layerLocation(layer) + "'");
      }
    }
    tables.forEach((name, location) -> register(spark, name, location));
    LOG.debug("registered {} tables of {}", tables.size(), warehouse);
    return tables.size();
  }

  /** Registers the Delta table at {@code location} by name, as it is: columns, comments and properties from its log. */
  public static void register(SparkSession spark, String name, String location) {
    spark.sql("CREATE TABLE IF NOT EXISTS " + name + " USING delta LOCATION '" + location + "'");
  }

  /** The Delta tables under {@code <warehouse>/<layer>/<table>}: qualified name to location, layer by layer. */
  public static Map<String, String> deltaTables(SparkSession spark, Warehouse warehouse) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String layer : LAYERS) {
      Path dir = new Path(warehouse.layerLocation(layer));
      try {
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(dir)) {
          continue;
        }
        FileStatus[] entries = fs.listStatus(dir);
        java.util.Arrays.sort(entries);
        for (FileStatus table : entries) {
          String location = table.getPath().toString();
          if (table.isDirectory() && DeltaTable.isDeltaTable(spark, location)) {
            out.put(layer + "." + table.getPath().getName(), location);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    return out;
  }
}
