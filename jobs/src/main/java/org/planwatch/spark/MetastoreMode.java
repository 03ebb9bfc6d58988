package org.planwatch.spark;

/** Where table names are kept between processes. */
public enum MetastoreMode {
  /** A Derby metastore inside the warehouse folder (the default; one process at a time). */
  EMBEDDED,
  /** A Hive metastore configured outside planwatch (hive-site.xml or spark.hadoop.hive.metastore.uris). */
  EXTERNAL,
  /** No metastore: every process registers the warehouse's tables by location when it starts. */
  NONE
}
