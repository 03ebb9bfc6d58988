package org.planwatch.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) without a child process per file operation.
 *
 * <p>Without Hadoop's native library (not on Maven Central, so not on our class path), Hadoop 3.3 sets
 * the permissions of every file and folder it creates by running {@code chmod} in a new process, and
 * Delta's log store asks {@code readlink} in a new process twice per commit (for a path with its
 * {@code file:} scheme, which readlink never finds, so the answer is always "not a link"). A nightly run
 * on today's datasets started some 1,500 such processes (JFR, docs/performance.md). This file system
 * does both through {@code java.nio.file}, in the JVM, with the same results; anything it cannot express
 * (sticky bits, a file system without POSIX permissions, a real symbolic link) goes to Hadoop's own code.
 *
 * <p>{@link SessionFactory} installs it when the warehouse is a local folder ({@code fs.file.impl}, and {@link Fs}
 * as {@code fs.AbstractFileSystem.file.impl} for FileContext, which Delta's log store uses).
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {
  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) layer, where Hadoop would start the processes. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      short bits = permission.toShort();
      java.nio.file.Path file = pathToFile(path).toPath();
      try {
        if ((bits & ~0777) != 0 || !Files.getFileStore(file).supportsFileAttributeView("posix")) {
          super.setPermission(path, permission);
          return;
        }
        Files.setPosixFilePermissions(file, posix(bits));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("File " + path + " does not exist");
      }
    }

    @Override
    public FileStatus getFileLinkStatus(Path path) throws IOException {
      if (Files.isSymbolicLink(pathToFile(path).toPath())) {
        return super.getFileLinkStatus(path);
      }
      // Not a link: its status, as Hadoop's readlink answer ("") leads to. Missing: FileNotFoundException.
      return getFileStatus(path);
    }

    private static Set<PosixFilePermission> posix(short bits) {
      Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] order = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE
      };
      for (int i = 0; i < order.length; i++) {
        if ((bits & (1 << (8 - i))) != 0) {
          out.add(order[i]);
        }
      }
      return out;
    }
  }

  /** The same for Hadoop's FileContext API (as {@code org.apache.hadoop.fs.local.LocalFs} over {@link Raw}). */
  public static final class Fs extends ChecksumFs {
    public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(new RawFs(uri, conf));
    }
  }

  /** As {@code org.apache.hadoop.fs.local.RawLocalFs}, whose constructors are not public. */
  static final class RawFs extends DelegateToFileSystem {
    RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new Raw(), conf, "file", false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    public FsServerDefaults getServerDefaults(Path path) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true;
    }
  }
}
