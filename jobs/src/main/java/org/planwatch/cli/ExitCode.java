package org.planwatch.cli;

import org.planwatch.pipeline.InputException;

/** Exit codes of planwatch, distinct so a scheduler can tell what went wrong (README: Exit codes). */
public final class ExitCode {
  private ExitCode() {}

  public static final int OK = 0;
  /** The run failed at run time (Spark, Delta, a bug): retrying may help. */
  public static final int RUNTIME_FAILURE = 1;
  /** Wrong command line (picocli's own code). */
  public static final int USAGE = 2;
  /** A required input is missing or unreadable: fix the datasets folder. */
  public static final int INPUT_MISSING = 3;
  /** More rows quarantined than --max-quarantined allows: fix the data. */
  public static final int TOO_MANY_QUARANTINED = 4;
  /** Another run holds the warehouse lock. */
  public static final int BUSY = 5;

  /** The exit code for a run that threw {@code e}. */
  public static int of(Throwable e) {
    return e instanceof InputException ? INPUT_MISSING : RUNTIME_FAILURE;
  }
}
