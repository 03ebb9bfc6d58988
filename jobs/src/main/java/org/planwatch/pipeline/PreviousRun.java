package org.planwatch.pipeline;

import java.time.LocalDate;
import java.util.Map;

/**
 * The last succeeded run, as the run log recorded it: what it read ({@link InputManifest}), its evaluation
 * date, and the state it left each table in. A table still in that state holds exactly what that run wrote.
 *
 * @param tables by qualified name, in the order written
 */
public record PreviousRun(String runId, LocalDate asOf, InputManifest manifest, Map<String, TableOutcome> tables) {

  /** One table as the run left it: which Delta table (id), its version, and the counts the run reported. */
  public record TableOutcome(String table, String tableId, long version, long rows, Long rowsRead, Long rowsQuarantined) {}
}
