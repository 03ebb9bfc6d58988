package org.planwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The peer of the benchmark: gold.indicator_progress's achievement rate, elapsed share and progress
 * status computed by DuckDB from the same dataset folder (indicator_progress.sql), timed, and compared
 * row for row with the gold table of a planwatch warehouse.
 *
 * <p>planwatch's table is read straight from its Delta files: the live data files are the ones added
 * and not removed in {@code _delta_log/*.json} (a table without deletion vectors, whose log has not
 * been cleaned up), so no Spark is needed to compare.
 *
 * <p>Usage: {@code DuckDbPeer --datasets DIR --as-of 2023-12-31 [--warehouse DIR] [--threads 2]}.
 * Prints {@code peer_seconds=...}, {@code peer_rows=...} and, with a warehouse, the comparison;
 * exit code 1 when rows differ.
 */
public final class DuckDbPeer {
  private DuckDbPeer() {}

  /** Default rating band and sync tolerance of rules/EvaluationSettings.DEFAULTS. */
  static final String RATING_BAND = "0.05";
  static final String SYNC_TOLERANCE = "0.0";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("datasets") || !options.containsKey("as-of")) {
      System.err.println("usage: DuckDbPeer --datasets DIR --as-of YYYY-MM-DD [--warehouse DIR] [--threads 2]");
      System.exit(2);
    }
    Path datasets = Path.of(options.get("datasets")).toAbsolutePath().normalize();
    Class.forName("org.duckdb.DuckDBDriver");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      st.execute("SET threads = " + Integer.parseInt(options.getOrDefault("threads", "2")));
      st.execute("SET preserve_insertion_order = false");
      long start = System.nanoTime();
      for (String sql : statements(datasets, options.get("as-of"))) {
        st.execute(sql);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("peer_seconds=%.2f%n", seconds);
      System.out.printf("peer_rows=%d%n", count(st, "SELECT count(*) FROM peer_progress"));
      System.out.printf("peer_observations=%d%n", count(st, "SELECT count(*) FROM observation"));
      if (options.containsKey("warehouse")) {
        boolean same = compare(st, Path.of(options.get("warehouse")).toAbsolutePath().resolve("gold/indicator_progress"));
        System.exit(same ? 0 : 1);
      }
    }
  }

  static List<String> statements(Path datasets, String asOf) throws IOException {
    String sql;
    try (InputStream in = DuckDbPeer.class.getResourceAsStream("indicator_progress.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path revisions = datasets.resolve("plan_revisions");
    boolean hasRevisions;
    try (Stream<Path> files = Files.isDirectory(revisions) ? Files.list(revisions) : Stream.empty()) {
      hasRevisions = files.anyMatch(p -> p.toString().endsWith(".csv"));
    }
    String revisionRows = hasRevisions
        ? "SELECT trim(plan_id) AS plan_id, trim(indicator_code) AS indicator_code, trim(revised_field) AS revised_field, "
            + "CAST(NULLIF(trim(revised_value), '') AS DOUBLE) AS revised_value, NULLIF(trim(revision_kind), '') AS revision_kind "
            + "FROM read_csv('" + datasets + "/plan_revisions/*.csv', header = true, all_varchar = true)"
        : "SELECT NULL::VARCHAR AS plan_id, NULL::VARCHAR AS indicator_code, NULL::VARCHAR AS revised_field, "
            + "NULL::DOUBLE AS revised_value, NULL::VARCHAR AS revision_kind WHERE false";
    sql = sql.replace("${datasets}", datasets.toString()).replace("${as_of}", asOf)
        .replace("${plan_revisions}", revisionRows).replace("${rating_band}", RATING_BAND)
        .replace("${sync_tolerance}", SYNC_TOLERANCE);
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (line.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (line.stripTrailing().endsWith(";")) {
        out.add(current.toString());
        current.setLength(0);
      }
    }
    return out;
  }

  static long count(Statement st, String sql) throws SQLException {
    // A statement of its own: DuckDB closes a statement whose query fails (the probes below may).
    try (Statement own = st.getConnection().createStatement(); ResultSet rs = own.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Compares peer_progress with planwatch's gold table; prints the counts and up to 10 differing rows. */
  /**
   * The live data files of a Delta table, as a DuckDB list literal: added and not removed in its
   * JSON commits. Refuses tables with deletion vectors.
   */
  static List<String> liveFiles(Statement st, Path table) throws SQLException {
    st.execute("CREATE OR REPLACE TEMP TABLE delta_log AS SELECT * FROM read_json_auto('" + table
        + "/_delta_log/*.json', union_by_name = true, format = 'newline_delimited', filename = true)");
    try {
      count(st, "SELECT count(\"add\") FROM delta_log");
    } catch (SQLException noAddField) {
      return List.of(); // no commit ever added a file: an empty table
    }
    boolean deletionVectors;
    try {
      deletionVectors = count(st, "SELECT count(*) FROM delta_log WHERE \"add\".deletionVector IS NOT NULL") > 0;
    } catch (SQLException noDeletionVectorField) {
      deletionVectors = false; // no add action ever carried one
    }
    if (deletionVectors) {
      throw new IllegalStateException(table + " uses deletion vectors: it cannot be read from its files alone");
    }
    boolean anyRemove;
    try {
      count(st, "SELECT count(remove) FROM delta_log");
      anyRemove = true;
    } catch (SQLException noRemoveField) {
      anyRemove = false;
    }
    List<String> files = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(
        "SELECT \"add\".path FROM delta_log WHERE \"add\" IS NOT NULL"
            + (anyRemove ? " EXCEPT SELECT remove.path FROM delta_log WHERE remove IS NOT NULL" : ""))) {
      while (rs.next()) {
        files.add("'" + table.resolve(java.net.URLDecoder.decode(rs.getString(1), StandardCharsets.UTF_8)) + "'");
      }
    }
    return files;
  }

  static boolean compare(Statement st, Path table) throws SQLException {
    List<String> files = liveFiles(st, table);
    st.execute("CREATE TABLE ours AS SELECT plan_id, region_code, indicator_code, as_of, target_met, achievement_rate, elapsed_share, progress_status "
        + "FROM read_parquet([" + String.join(", ", files) + "])");
    String keys = "o.plan_id = p.plan_id AND o.region_code = p.region_code AND o.indicator_code = p.indicator_code AND o.as_of = p.as_of";
    String same = "(o.achievement_rate IS NOT DISTINCT FROM p.achievement_rate OR abs(o.achievement_rate - p.achievement_rate) <= 1e-9)"
        + " AND (o.elapsed_share IS NOT DISTINCT FROM p.elapsed_share OR abs(o.elapsed_share - p.elapsed_share) <= 1e-9)"
        + " AND o.progress_status IS NOT DISTINCT FROM p.progress_status";
    st.execute("CREATE TABLE compared AS SELECT o.plan_id AS o_plan, p.plan_id AS p_plan, "
        + "coalesce(o.plan_id, p.plan_id) AS plan_id, coalesce(o.region_code, p.region_code) AS region_code, "
        + "coalesce(o.indicator_code, p.indicator_code) AS indicator_code, coalesce(o.as_of, p.as_of) AS as_of, p.target_kind, "
        + "o.achievement_rate AS ours_achievement, p.achievement_rate AS peer_achievement, o.elapsed_share AS ours_elapsed, "
        + "p.elapsed_share AS peer_elapsed, o.progress_status AS ours_status, p.progress_status AS peer_status, "
        + "CASE WHEN o.plan_id IS NULL THEN 'only_peer' WHEN p.plan_id IS NULL THEN 'only_ours' WHEN " + same
        + " THEN 'same' ELSE 'different' END AS outcome "
        + "FROM ours o FULL OUTER JOIN peer_progress p ON " + keys);
    long ours = count(st, "SELECT count(*) FROM ours");
    long exceptOurs = count(st, "SELECT count(*) FROM (SELECT plan_id, region_code, indicator_code, as_of, achievement_rate, elapsed_share, progress_status FROM ours "
        + "EXCEPT ALL SELECT plan_id, region_code, indicator_code, as_of, achievement_rate, elapsed_share, progress_status FROM peer_progress)");
    long exceptPeer = count(st, "SELECT count(*) FROM (SELECT plan_id, region_code, indicator_code, as_of, achievement_rate, elapsed_share, progress_status FROM peer_progress "
        + "EXCEPT ALL SELECT plan_id, region_code, indicator_code, as_of, achievement_rate, elapsed_share, progress_status FROM ours)");
    System.out.printf("ours_rows=%d (%d data files)%n", ours, files.size());
    Map<String, Long> outcomes = new LinkedHashMap<>();
    try (ResultSet rs = st.executeQuery("SELECT outcome, count(*) FROM compared GROUP BY outcome ORDER BY outcome")) {
      while (rs.next()) {
        outcomes.put(rs.getString(1), rs.getLong(2));
        System.out.printf("compare_%s=%d%n", rs.getString(1), rs.getLong(2));
      }
    }
    System.out.printf("except_all_ours_minus_peer=%d%nexcept_all_peer_minus_ours=%d (exact, no tolerance)%n", exceptOurs, exceptPeer);
    try (ResultSet rs = st.executeQuery("SELECT outcome, target_kind, count(*) FROM compared WHERE outcome <> 'same' GROUP BY ALL ORDER BY 3 DESC")) {
      while (rs.next()) {
        System.out.printf("  %s %s: %d%n", rs.getString(1), rs.getString(2), rs.getLong(3));
      }
    }
    try (ResultSet rs = st.executeQuery("SELECT * EXCLUDE (o_plan, p_plan) FROM compared WHERE outcome <> 'same' ORDER BY ALL LIMIT 10")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder("  ");
        for (int i = 1; i <= n; i++) {
          b.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(i < n ? " " : "");
        }
        System.out.println(b);
      }
    }
    if (exceptOurs > 0) {
      // Same within the tolerance but not exactly: which values, in full. DuckDB's round(x, 10) multiplies by
      // 10^10 first, so a value just short of a tie can land on it and round the other way (docs/performance.md).
      System.out.println("rows not exactly the same (ours | peer):");
      try (ResultSet rs = st.executeQuery("SELECT o.plan_id, o.region_code, o.indicator_code, o.as_of, "
          + "o.achievement_rate, p.achievement_rate, o.elapsed_share, p.elapsed_share, o.progress_status, p.progress_status "
          + "FROM (SELECT plan_id, region_code, indicator_code, as_of, achievement_rate, elapsed_share, progress_status FROM ours "
          + "EXCEPT ALL SELECT plan_id, region_code, indicator_code, as_of, achievement_rate, elapsed_share, progress_status FROM peer_progress) o "
          + "JOIN peer_progress p USING (plan_id, region_code, indicator_code, as_of) ORDER BY ALL LIMIT 10")) {
        while (rs.next()) {
          System.out.printf("  %s %s %s %s: achievement %s | %s, elapsed %s | %s, status %s | %s%n", rs.getString(1), rs.getString(2),
              rs.getString(3), rs.getString(4), value(rs, 5), value(rs, 6), value(rs, 7), value(rs, 8), rs.getString(9), rs.getString(10));
        }
      }
    }
    return outcomes.keySet().stream().allMatch("same"::equals);
  }

  /** A double as Java prints it: the shortest text that reads back as the same double. */
  private static String value(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? "null" : Double.toString(v);
  }
}
