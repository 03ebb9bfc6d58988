package org.planwatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/**
 * A served run whose client went away (Ctrl-C) is stopped through its Spark jobs: the one running is
 * cancelled, and so is every one it starts after; what comes after the run, outside its group, runs.
 */
class StoppedRunsTest {
  /** Tasks that would take a minute unless cancelled. */
  private static final ForeachFunction<Long> SLOW = x -> Thread.sleep(60_000);

  @Test
  void aRunWhoseClientWentAwayHasItsJobsCancelled() throws Exception {
    SparkSession spark = TestSpark.session();
    SparkContext context = spark.sparkContext();
    StoppedRuns runs = StoppedRuns.listeningTo(context);
    RunService.ClientGone clientGone = new RunService.ClientGone();
    Thread ctrlC = new Thread(() -> {
      // The client goes away once the run's first job is running.
      while (context.statusTracker().getActiveJobIds().length == 0) {
        Thread.onSpinWait();
      }
      clientGone.fire();
    });
    ctrlC.start();
    StringBuilder failures = new StringBuilder();
    long startedAt = System.nanoTime();
    Exception stopped = assertThrows(Exception.class, () -> runs.run("2f6c", clientGone, () -> {
      try {
        spark.range(0, 2, 1, 2).foreach(SLOW);
      } catch (Exception running) {
        failures.append(running.getMessage());
      }
      // A run that went on after a failed job: its next job is cancelled as it starts.
      spark.range(0, 2, 1, 2).foreach(SLOW);
      return null;
    }));
    ctrlC.join();
    assertTrue(failures.toString().contains("the client of served run 2f6c went away (Ctrl-C or killed)"), failures.toString());
    assertTrue(stopped.getMessage().contains("the client of served run 2f6c went away (Ctrl-C or killed)"), stopped.getMessage());
    assertTrue(System.nanoTime() - startedAt < 50_000_000_000L, "cancelled, not run to their end");
    assertEquals(3, spark.range(3).count(), "jobs outside the stopped run's group run");
  }
}
