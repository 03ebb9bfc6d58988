package org.planwatch.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import org.planwatch.spark.Warehouse;

/**
 * A file in a local warehouse folder by which {@code planwatch serve} tells the other planwatch processes
 * of that warehouse where it listens ({@link MetastoreServer}, {@link RunService}). Written whole or not
 * at all; a server that stops deletes it.
 */
final class AddressFile {
  private AddressFile() {}

  /** The file's properties, or empty when the warehouse is remote or no readable file is there. */
  static Optional<Properties> read(Warehouse warehouse, String fileName) {
    if (!warehouse.isLocal()) {
      return Optional.empty();
    }
    Path file = warehouse.localFolder().resolve(fileName);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties address = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      address.load(in);
    } catch (IOException e) {
      return Optional.empty(); // not ours to read: the caller works without the server
    }
    return Optional.of(address);
  }

  /**
   * Writes the file aside and renames it, so a reader never sees half of it.
   *
   * @param secret readable by its owner only (it holds a token)
   */
  static Path write(Warehouse warehouse, String fileName, Properties address, String comment, boolean secret) throws IOException {
    Path file = warehouse.localFolder().resolve(fileName);
    Path scratch = file.resolveSibling(fileName + "." + ProcessHandle.current().pid());
    Files.deleteIfExists(scratch);
    if (secret) {
      try {
        Files.createFile(scratch, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(scratch); // not a POSIX file system: the folder's permissions protect it
      }
    }
    try (OutputStream out = Files.newOutputStream(scratch)) {
      address.store(out, comment);
    }
    return Files.move(scratch, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
