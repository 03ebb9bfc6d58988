package org.planwatch.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.planwatch.delta.WriteResult;

/** What a run wrote, for the summary line and the run log. */
public final class RunSummary {
  private final List<WriteResult> writes = new ArrayList<>();
  private long rowsRead;
  private long quarantined;

  public void add(WriteResult write) {
    writes.add(write);
  }

  public List<WriteResult> writes() {
    return writes;
  }

  public long rowsRead() {
    return rowsRead;
  }

  public void addRowsRead(long rows) {
    rowsRead += rows;
  }

  public long quarantined() {
    return quarantined;
  }

  public void setQuarantined(long quarantined) {
    this.quarantined = quarantined;
  }
}
