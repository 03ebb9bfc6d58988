package org.planwatch.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.planwatch.spark.Warehouse;
import org.planwatch.testing.TestSpark;

/**
 * One writer per warehouse. Within one JVM the second lock fails as it does across processes
 * (scripts/concurrency-check starts two real runs at once).
 */
class WarehouseLockTest {
  private final Path root = TestSpark.temporaryFolder("planwatch-lock-");
  private final Warehouse warehouse = Warehouse.at(root.toString());

  @Test
  void aSecondRunIsToldWhoHoldsTheWarehouse() throws Exception {
    try (WarehouseLock first = WarehouseLock.acquire(warehouse, Duration.ZERO, "planwatch run r-1 as of 2023-12-31")) {
      assertTrue(first.held());
      WarehouseLock.BusyException busy = assertThrows(WarehouseLock.BusyException.class,
          () -> WarehouseLock.acquire(warehouse, Duration.ZERO, "planwatch run r-2 as of 2023-12-31"));
      assertTrue(busy.getMessage().startsWith("warehouse " + root + " is busy: another planwatch process holds " + root.resolve(".planwatch.lock")),
          busy.getMessage());
      assertTrue(busy.getMessage().contains("(planwatch run r-1 as of 2023-12-31, pid " + ProcessHandle.current().pid() + " on "), busy.getMessage());
      assertTrue(busy.getMessage().endsWith("pass --wait-for-lock SECONDS to wait for it"), busy.getMessage());
    }
    // Released and emptied: the next run takes it at once, and knows no holder died with it.
    assertEquals("", Files.readString(root.resolve(".planwatch.lock"), StandardCharsets.UTF_8));
    try (WarehouseLock next = WarehouseLock.acquire(warehouse, Duration.ZERO, "planwatch run r-2 as of 2023-12-31")) {
      assertTrue(next.held());
      assertTrue(next.lastHolderReleased());
    }
  }

  @Test
  void aHolderThatDiedLeavesItsNameForTheNextRun() throws Exception {
    // What kill -9 leaves: the OS released the lock, the holder's text is still in the file.
    Files.writeString(root.resolve(".planwatch.lock"), "planwatch run r-1 as of 2023-12-31\npid 4065 on etl-1\n");
    try (WarehouseLock next = WarehouseLock.acquire(warehouse, Duration.ZERO, "planwatch run r-2 as of 2023-12-31")) {
      assertTrue(next.held());
      assertFalse(next.lastHolderReleased(), "r-1's row in ops.job_runs may say running: the run looks for it");
    }
  }

  @Test
  void aSecondRunCanWaitForTheFirstToFinish() throws Exception {
    WarehouseLock first = WarehouseLock.acquire(warehouse, Duration.ZERO, "planwatch run r-1 as of 2023-12-31");
    Thread finisher = new Thread(() -> {
      sleep(1500);
      first.close();
    });
    long start = System.nanoTime();
    finisher.start();
    try (WarehouseLock second = WarehouseLock.acquire(warehouse, Duration.ofSeconds(60), "planwatch run r-2 as of 2023-12-31")) {
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(second.held());
      assertTrue(waitedMillis >= 1000 && waitedMillis < 30_000, "waited " + waitedMillis + " ms");
      assertTrue(Files.readString(root.resolve(".planwatch.lock")).startsWith("planwatch run r-2 as of 2023-12-31\n"));
    }
    finisher.join();
  }

  @Test
  void aWaitThatRunsOutSaysHowLongItWaited() {
    try (WarehouseLock first = WarehouseLock.acquire(warehouse, Duration.ZERO, "planwatch maintain")) {
      WarehouseLock.BusyException busy = assertThrows(WarehouseLock.BusyException.class,
          () -> WarehouseLock.acquire(warehouse, Duration.ofSeconds(2), "planwatch run r-2 as of 2023-12-31"));
      assertTrue(busy.getMessage().contains(" (planwatch maintain, pid " + ProcessHandle.current().pid() + " on "), busy.getMessage());
      assertTrue(busy.getMessage().endsWith("); waited 2 s"), busy.getMessage());
    }
  }

  @Test
  void aRemoteWarehouseHasNoFileLock() {
    try (WarehouseLock none = WarehouseLock.acquire(Warehouse.at("s3a://planwatch/warehouse"), Duration.ZERO, "planwatch run")) {
      assertFalse(none.held());
      assertFalse(none.lastHolderReleased());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
