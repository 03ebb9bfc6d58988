package org.planwatch.spark;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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

  public static void registerIfNeeded(SparkSession spark, Warehouse warehouse, MetastoreMode mode) {
    if (mode == MetastoreMode.NONE) {
      registerAll(spark, warehouse);
    }
  }

  /** Registers every Delta table under {@code <warehouse>/<layer>/<table>}; returns how many. */
  public static int registerAll(SparkSession spark, Warehouse warehouse) {
    int count = 0;
    for (String layer : LAYERS) {
      Path dir = new Path(warehouse.layerLocation(layer));
      try {
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(dir)) {
          continue;
        }
        spark.sql("CREATE DATABASE IF NOT EXISTS " + layer + " LOCATION '" + warehouse.layerLocation(layer) + "'");
        for (FileStatus table : fs.listStatus(dir)) {
          String location = table.getPath().toString();
          if (table.isDirectory() && DeltaTable.isDeltaTable(spark, location)) {
            spark.sql("CREATE TABLE IF NOT EXISTS " + layer + "." + table.getPath().getName() + " USING delta LOCATION '" + location + "'");
            count++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    LOG.debug("registered {} tables of {}", count, warehouse);
    return count;
  }
}
