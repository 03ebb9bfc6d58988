package org.planwatch.pipeline;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.planwatch.delta.WriteResult;

/** What a run wrote, for the summary line and the run log. */
public final class RunSummary {
  private final List<WriteResult> writes = new ArrayList<>();
  private long rowsRead;
  private long quarantined;
  private final Map<String, Long> quarantinedByTable = new LinkedHashMap<>();
  private final Map<String, Double> stageSeconds = new LinkedHashMap<>();
  private final java.util.Set<String> reused = new java.util.LinkedHashSet<>();
  private String reusedFrom;

  /** Records the time of a stage that started at {@code startNanos}; returns now, the start of the next one. */
  public long stageDone(String stage, long startNanos) {
    long now = System.nanoTime();
    stageSeconds.put(stage, (now - startNanos) / 1e9);
    return now;
  }

  /** Seconds per stage (bronze, silver, gold, publish), in the order they ran. */
  public Map<String, Double> stageSeconds() {
    return stageSeconds;
  }

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

  /** Marks a table kept as run {@code runId} left it (neither read nor written by this run). */
  public void markReused(String table, String runId) {
    reused.add(table);
    reusedFrom = runId;
  }

  /** Tables kept as the previous run left them, by qualified name. */
  public java.util.Set<String> reused() {
    return reused;
  }

  /** Says that gold was kept although --as-of moved from {@code before}: no row is dated between it and this run's. */
  public void markDatesMovedOver(LocalDate before) {
    datesMovedOver = "--as-of moved from " + before + " over no dated actual or evaluation";
  }

  /** Why gold was kept across a new --as-of, or null when the date did not move. */
  public String datesMovedOver() {
    return datesMovedOver;
  }

  private String datesMovedOver;

  /** The run whose tables were kept; null when none was. */
  public String reusedFrom() {
    return reusedFrom;
  }

  /** Marks a silver table checked again for its changed input files only ({@code files} of them). */
  public void markCheckedByFile(String table, Set<String> files) {
    checkedByFile.put(table, files);
  }

  /** Silver tables checked again for their changed input files only, with those files (qualified name). */
  public Map<String, Set<String>> checkedByFile() {
    return checkedByFile;
  }

  private final Map<String, Set<String>> checkedByFile = new LinkedHashMap<>();

  /** Marks a kept silver table as read from the rows the process held from an earlier run, not from Delta. */
  public void markTakenFromHeld(String table) {
    takenFromHeld.add(table);
  }

  /** Kept silver tables read from the rows the process held (qualified names), in the order read. */
  public Set<String> takenFromHeld() {
    return takenFromHeld;
  }

  private final Set<String> takenFromHeld = new java.util.LinkedHashSet<>();

  /** Rows of silver.quarantine by the silver table they were meant for (unqualified name). */
  public Map<String, Long> quarantinedByTable() {
    return quarantinedByTable;
  }
}
