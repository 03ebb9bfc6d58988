package org.planwatch.delta;

/**
 * What one write did to one table, and where its time went: creating or checking the table and its
 * constraints, counting the difference, and the MERGE itself (0 when there was nothing to write).
 *
 * @param changedSlices the values of the table's slice column ("*" for a table without one) whose rows
 *     the write changed, from the digests it compared; empty when no digests told (a table written by hand)
 */
public record WriteResult(
    String table, long rows, long inserted, long updated, long deleted, long version,
    long ensureMillis, long differenceMillis, long mergeMillis, java.util.Optional<java.util.Set<String>> changedSlices) {

  /** A table neither read nor written: kept as an earlier run left it. */
  public static WriteResult kept(String table, long rows, long version) {
    return new WriteResult(table, rows, 0, 0, 0, version, 0, 0, 0, java.util.Optional.of(java.util.Set.of()));
  }

  public boolean changed() {
    return inserted + updated + deleted > 0;
  }

  public long millis() {
    return ensureMillis + differenceMillis + mergeMillis;
  }
}
