package org.planwatch.delta;

/**
 * What one write did to one table, and where its time went: creating or checking the table and its
 * constraints, counting the difference, and the MERGE itself (0 when there was nothing to write).
 */
public record WriteResult(
    String table, long rows, long inserted, long updated, long deleted, long version,
    long ensureMillis, long differenceMillis, long mergeMillis) {

  public boolean changed() {
    return inserted + updated + deleted > 0;
  }

  public long millis() {
    return ensureMillis + differenceMillis + mergeMillis;
  }
}
