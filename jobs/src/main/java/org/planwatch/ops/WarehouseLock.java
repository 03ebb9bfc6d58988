package org.planwatch.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.planwatch.spark.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per warehouse: an exclusive OS file lock on {@code <warehouse>/.planwatch.lock}, taken
 * before the Spark session starts (the embedded Derby metastore admits one process anyway, and would
 * fail with a cryptic XSDB6). The OS releases the lock when the process ends, even on kill -9, so a
 * stale lock file never blocks the next run; the file's text only says who holds it. Remote
 * warehouses (hdfs://, s3a://) get no lock: there the scheduler must not overlap runs, and Delta's
 * optimistic concurrency still keeps every table consistent (docs/operations.md).
 */
public final class WarehouseLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");
  public static final String FILE_NAME = ".planwatch.lock";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean lastHolderReleased;

  private WarehouseLock(Path file, FileChannel channel, FileLock lock, boolean lastHolderReleased) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.lastHolderReleased = lastHolderReleased;
  }

  /** Another process (or this one) holds the lock longer than we were willing to wait. */
  public static final class BusyException extends RuntimeException {
    BusyException(String message) {
      super(message);
    }
  }

  /**
   * Takes the warehouse's lock, waiting up to {@code wait} for another holder to finish.
   *
   * @param holder written into the lock file so that a second run can say who is busy
   * @throws BusyException when the lock is still held after {@code wait}
   */
  public static WarehouseLock acquire(Warehouse warehouse, Duration wait, String holder) {
    if (!warehouse.isLocal()) {
      LOG.warn("{} is not a local folder: no warehouse lock. Never start two runs at once on it "
          + "(Airflow max_active_runs=1, Kubernetes concurrencyPolicy: Forbid); Delta still keeps each table consistent.", warehouse);
      return new WarehouseLock(null, null, null, false);
    }
    Path root = warehouse.localFolder();
    Path file = root.resolve(FILE_NAME);
    Instant deadline = Instant.now().plus(wait);
    boolean announced = false;
    try {
      Files.createDirectories(root);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock = tryLock(channel);
        if (lock != null) {
          // A holder that releases empties the file; one that died (kill -9) leaves its text in it.
          boolean released = channel.size() == 0;
          String text = holder + "\npid " + ProcessHandle.current().pid() + " on " + hostName() + "\nsince " + Instant.now() + "\n";
          channel.truncate(0);
          channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
          channel.force(false);
          return new WarehouseLock(file, channel, lock, released);
        }
        if (!Instant.now().isBefore(deadline)) {
          channel.close();
          throw new BusyException("warehouse " + root + " is busy: another planwatch process holds " + file + " ("
              + holderOf(file) + ")" + (wait.isZero() ? "; try again later, or pass --wait-for-lock SECONDS to wait for it" : "; waited " + wait.toSeconds() + " s"));
        }
        if (!announced) {
          LOG.info("waiting up to {} s for the warehouse lock {} ({})", wait.toSeconds(), file, holderOf(file));
          announced = true;
        }
        Thread.sleep(Math.min(1000, Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the warehouse lock " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusyException("interrupted while waiting for the warehouse lock " + file);
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldByThisProcess) {
      return null;
    }
  }

  /** True when this process holds an OS lock (false for a remote warehouse). */
  public boolean held() {
    return lock != null && lock.isValid();
  }

  /**
   * Whether every earlier holder released the lock (the file was empty when taken): then no planwatch
   * process died holding it, and no run can have been left half-recorded. False without a file lock.
   */
  public boolean lastHolderReleased() {
    return held() && lastHolderReleased;
  }

  /** What the holder wrote into the lock file, on one line. */
  static String holderOf(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim().replaceAll("\\s*\n\\s*", ", ");
      return text.isEmpty() ? "holder unknown" : text;
    } catch (IOException e) {
      return "holder unknown";
    }
  }

  /** This machine's name, as the lock file, the run log and the run service name it. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }

  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    try {
      // Emptied, not deleted: deleting a lock file lets two processes lock two different files.
      channel.truncate(0);
      lock.release();
      channel.close();
    } catch (IOException e) {
      LOG.warn("cannot release the warehouse lock {}: {}", file, e.getMessage());
    }
  }
}
