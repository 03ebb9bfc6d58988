package org.planwatch.delta;

/** What one write did to one table. */
public record WriteResult(
    String table, long rows, long inserted, long updated, long deleted, long version) {

  public boolean changed() {
    return inserted + updated + deleted > 0;
  }
}
