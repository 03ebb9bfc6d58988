package org.planwatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Checks that two warehouses hold the same rows: every table of the chosen layers compared with
 * EXCEPT ALL both ways (duplicates count) on a hash of each row, read from the Delta files with DuckDB,
 * so the check needs no Spark and does not share code with the job it checks. Used to check that a
 * change to the job left its results alone (two warehouses built from the same datasets) and by
 * {@code scripts/kill-test}.
 *
 * <p>Usage: {@code CompareWarehouses [--layers silver,gold] [--ignore COL,COL] [--format text|csv] A B}.
 * Without {@code --ignore}, columns named {@code *_at} (load times) are left out. A table missing in
 * one warehouse, or without live files, counts as empty. Exit code 1 when a table differs, 2 when the
 * comparison could not be made.
 * {@code --format csv} prints {@code table,rows_first,rows_second,only_in_first,only_in_second}.
 */
public final class CompareWarehouses {
  private CompareWarehouses() {}

  public static void main(String[] args) {
    try {
      System.exit(compare(args) ? 0 : 1);
    } catch (Exception e) {
      System.err.println("CompareWarehouses: " + e);
      System.exit(2);
    }
  }

  private static boolean compare(String[] args) throws Exception {
    List<String> layers = List.of("silver", "gold");
    Predicate<String> ignored = column -> column.endsWith("_at");
    boolean csv = false;
    List<String> warehouses = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--layers" -> layers = Arrays.asList(args[++i].split(","));
        case "--ignore" -> {
          Set<String> columns = Set.of(args[++i].split(","));
          ignored = columns::contains;
        }
        case "--format" -> csv = "csv".equals(args[++i]);
        default -> warehouses.add(args[i]);
      }
    }
    if (warehouses.size() != 2) {
      System.err.println("usage: CompareWarehouses [--layers silver,gold] [--ignore COL,COL] [--format text|csv] A B");
      System.exit(2);
    }
    Path first = Path.of(warehouses.get(0)).toAbsolutePath();
    Path second = Path.of(warehouses.get(1)).toAbsolutePath();
    boolean same = true;
    if (csv) {
      System.out.println("table,rows_first,rows_second,only_in_first,only_in_second");
    }
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      for (String layer : layers) {
        Set<String> tables = new TreeSet<>(tables(first.resolve(layer)));
        tables.addAll(tables(second.resolve(layer)));
        for (String table : tables) {
          String name = layer + "." + table;
          Live liveA = live(st, first.resolve(layer).resolve(table));
          Live liveB = live(st, second.resolve(layer).resolve(table));
          List<String> columns = (liveA.files().isEmpty() ? liveB : liveA).columns().stream().filter(ignored.negate()).toList();
          boolean a = load(st, "a", liveA.files(), columns);
          boolean b = load(st, "b", liveB.files(), columns);
          if (!a && !b) {
            System.out.println(csv ? name + ",0,0,0,0" : String.format("%-40s empty in both", name));
            continue;
          }
          long rowsA = a ? DuckDbPeer.count(st, "SELECT count(*) FROM a") : 0;
          long rowsB = b ? DuckDbPeer.count(st, "SELECT count(*) FROM b") : 0;
          long aMinusB = a && b ? DuckDbPeer.count(st, "SELECT count(*) FROM (SELECT h FROM a EXCEPT ALL SELECT h FROM b)") : rowsA;
          long bMinusA = a && b ? DuckDbPeer.count(st, "SELECT count(*) FROM (SELECT h FROM b EXCEPT ALL SELECT h FROM a)") : rowsB;
          if (csv) {
            System.out.printf("%s,%d,%d,%d,%d%n", name, rowsA, rowsB, aMinusB, bMinusA);
          } else {
            System.out.printf("%-40s %9d rows, first EXCEPT ALL second: %d, second EXCEPT ALL first: %d%n", name, rowsA, aMinusB, bMinusA);
          }
          same &= aMinusB == 0 && bMinusA == 0;
        }
      }
    }
    if (!csv) {
      System.out.println(same ? "identical" : "DIFFERENT");
    }
    return same;
  }

  private static List<String> tables(Path layer) throws Exception {
    if (!Files.isDirectory(layer)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(layer)) {
      return s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).map(p -> p.getFileName().toString()).toList();
    }
  }

  /** A table's live data files and its columns as its log declares them: none for a missing or empty table. */
  private record Live(List<String> files, List<String> columns) {}

  private static Live live(Statement st, Path table) throws Exception {
    if (!Files.isDirectory(table.resolve("_delta_log"))) {
      return new Live(List.of(), List.of());
    }
    List<String> files = DuckDbPeer.liveFiles(st, table);
    List<String> columns = new ArrayList<>();
    if (files.isEmpty()) {
      return new Live(files, columns);
    }
    // The log's, not the data files': a data file may carry more (MERGE with Change Data Feed leaves a
    // _change_type column in it, which Delta readers ignore).
    try (ResultSet rs = st.executeQuery("SELECT unnest(json_extract_string(metaData.schemaString, '$.fields[*].name'))"
        + " FROM (SELECT metaData FROM delta_log WHERE metaData IS NOT NULL ORDER BY filename DESC LIMIT 1)")) {
      while (rs.next()) {
        columns.add(rs.getString(1));
      }
    }
    return new Live(files, columns);
  }

  /**
   * Loads a hash of each row's {@code columns} in {@code files} into temp table {@code name} (column
   * {@code h}); false when there are no files. Hashes, not the rows: EXCEPT ALL over two full-size
   * gold tables (12 million rows of 64 columns) spilled more than the disk held. A differing row goes
   * unnoticed only if its 64-bit hash is that of a row on the other side: about 12 million in 2^64 (1e-12).
   */
  private static boolean load(Statement st, String name, List<String> files, List<String> columns) throws Exception {
    st.execute("DROP TABLE IF EXISTS " + name);
    if (files.isEmpty()) {
      return false;
    }
    String quoted = String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList());
    st.execute("CREATE TEMP TABLE " + name + " AS SELECT hash(" + quoted + ") AS h FROM read_parquet(["
        + String.join(", ", files) + "], union_by_name = true)");
    return true;
  }
}
