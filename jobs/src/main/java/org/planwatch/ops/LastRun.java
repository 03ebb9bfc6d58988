package org.planwatch.ops;

import java.util.Optional;
import java.util.function.Supplier;
import org.planwatch.delta.DeltaTables.TableState;
import org.planwatch.pipeline.PreviousRun;

/**
 * The last run a serving process recorded as succeeded, kept for its next run. While ops.job_runs and
 * ops.run_inputs are at the versions that run's writes left them, no run has ended since, and the next
 * run takes it from here instead of querying the run log (a join of the two Delta tables, 1.5-2 s of a
 * served night that keeps every table). A local run remembers nothing ({@link #none()}).
 */
public final class LastRun {
  private record Remembered(PreviousRun run, TableState log, TableState inputs) {}

  private final boolean acrossRuns;
  private Remembered remembered;

  private LastRun(boolean acrossRuns) {
    this.acrossRuns = acrossRuns;
  }

  /** For a process that runs night after night on one warehouse ({@code planwatch serve}). */
  public static LastRun acrossRuns() {
    return new LastRun(true);
  }

  /** For a single run: nothing is remembered. */
  public static LastRun none() {
    return new LastRun(false);
  }

  /**
   * The run remembered, when the run log and the inputs log are still at the states its writes left;
   * their states are looked up only when a run is remembered.
   */
  synchronized Optional<PreviousRun> at(Supplier<TableState> log, Supplier<TableState> inputs) {
    return remembered != null && remembered.log().equals(log.get()) && remembered.inputs().equals(inputs.get())
        ? Optional.of(remembered.run()) : Optional.empty();
  }

  /** Remembers {@code run}, which has just been recorded as succeeded and left the two logs at these states. */
  synchronized void remember(PreviousRun run, Supplier<TableState> log, Supplier<TableState> inputs) {
    if (acrossRuns) {
      remembered = new Remembered(run, log.get(), inputs.get());
    }
  }
}
