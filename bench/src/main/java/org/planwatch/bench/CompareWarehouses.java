package org.planwatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks that a change to the job left its results alone: every gold and silver table of two
 * warehouses (e.g. built before and after the change from the same datasets) compared with EXCEPT ALL
 * both ways, read from the Delta files with DuckDB. Columns named *_at (load times) are left out.
 *
 * <p>Usage: {@code CompareWarehouses BEFORE AFTER}; exit code 1 when a table differs.
 */
public final class CompareWarehouses {
  private CompareWarehouses() {}

  public static void main(String[] args) throws Exception {
    Path before = Path.of(args[0]).toAbsolutePath();
    Path after = Path.of(args[1]).toAbsolutePath();
    boolean same = true;
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      for (String layer : List.of("silver", "gold")) {
        List<Path> tables;
        try (Stream<Path> s = Files.list(before.resolve(layer))) {
          tables = s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).sorted().toList();
        }
        for (Path table : tables) {
          String name = layer + "." + table.getFileName();
          String a = relation(st, table);
          String b = relation(st, after.resolve(layer).resolve(table.getFileName()));
          if (a == null || b == null) {
            System.out.printf("%-40s %s%n", name, a == b ? "empty in both" : "empty in one only");
            same &= a == b;
            continue;
          }
          st.execute("CREATE OR REPLACE TEMP TABLE a AS SELECT * FROM " + a);
          st.execute("CREATE OR REPLACE TEMP TABLE b AS SELECT * FROM " + b);
          List<String> kept = new java.util.ArrayList<>();
          try (java.sql.ResultSet rs = st.executeQuery("DESCRIBE a")) {
            while (rs.next()) {
              if (!rs.getString(1).endsWith("_at")) {
                kept.add("\"" + rs.getString(1) + "\"");
              }
            }
          }
          String columns = "SELECT " + String.join(", ", kept);
          long rows = DuckDbPeer.count(st, "SELECT count(*) FROM a");
          long aMinusB = DuckDbPeer.count(st, "SELECT count(*) FROM (" + columns + " FROM a EXCEPT ALL " + columns + " FROM b)");
          long bMinusA = DuckDbPeer.count(st, "SELECT count(*) FROM (" + columns + " FROM b EXCEPT ALL " + columns + " FROM a)");
          System.out.printf("%-40s %9d rows, before EXCEPT ALL after: %d, after EXCEPT ALL before: %d%n", name, rows, aMinusB, bMinusA);
          same &= aMinusB == 0 && bMinusA == 0;
        }
      }
    }
    System.out.println(same ? "identical" : "DIFFERENT");
    System.exit(same ? 0 : 1);
  }

  private static String relation(Statement st, Path table) throws Exception {
    List<String> files = DuckDbPeer.liveFiles(st, table);
    return files.isEmpty() ? null : "read_parquet([" + String.join(", ", files) + "])";
  }
}
