package org.planwatch.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.planwatch.spark.MetastoreMode;
import org.planwatch.spark.SessionFactory;
import org.planwatch.spark.Warehouse;
import picocli.CommandLine.Option;

/** Options every command shares: which warehouse, which metastore, extra Spark settings. */
public final class WarehouseOptions {
  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      defaultValue = "${env:PLANWATCH_WAREHOUSE:-warehouse}",
      description = "Warehouse folder or URI (hdfs://, s3a://). Default: ./warehouse or $PLANWATCH_WAREHOUSE.")
  String warehouse;

  @Option(
      names = "--metastore",
      paramLabel = "MODE",
      defaultValue = "${env:PLANWATCH_METASTORE:-embedded}",
      description = "embedded (Derby inside the warehouse), external (Hive metastore from hive-site.xml or --conf), "
          + "or none (register tables by location at start). Default: ${DEFAULT-VALUE}.")
  String metastore;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "Spark or planwatch setting, repeatable (e.g. --conf spark.sql.shuffle.partitions=8).")
  Map<String, String> conf = new LinkedHashMap<>();

  public Warehouse warehouse() {
    return Warehouse.at(warehouse);
  }

  public MetastoreMode metastoreMode() {
    return MetastoreMode.valueOf(metastore.trim().toUpperCase());
  }

  public SparkSession session(String appName) {
    return SessionFactory.create(appName, warehouse(), metastoreMode(), conf);
  }
}
