package org.planwatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/** The local file system as Delta and Parquet use it, with permissions and renames done in the JVM. */
class ForklessLocalFileSystemTest {

  @Test
  void sparkWritesLocalWarehousesThroughIt() throws Exception {
    Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
    java.net.URI folder = TestSpark.temporaryFolder("planwatch-fs-").toUri();
    assertInstanceOf(ForklessLocalFileSystem.class, new Path(folder).getFileSystem(hadoop));
    assertInstanceOf(ForklessLocalFileSystem.Fs.class, FileContext.getFileContext(folder, hadoop).getDefaultFileSystem());
  }

  @Test
  void filesAndFoldersGetTheRequestedPermissions() throws Exception {
    java.nio.file.Path root = TestSpark.temporaryFolder("planwatch-fs-");
    FileSystem fs = fileSystem();
    Path folder = new Path(root.toUri().toString(), "a/b");
    assertTrue(fs.mkdirs(folder, new FsPermission((short) 0750)));
    Path file = new Path(folder, "part-0.parquet");
    try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
      out.write("rows".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a/b"))));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a/b/part-0.parquet"))));
    assertEquals(new FsPermission((short) 0640), fs.getFileStatus(file).getPermission());

    fs.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a/b/part-0.parquet"))));
    assertThrows(FileNotFoundException.class, () -> fs.setPermission(new Path(folder, "missing"), new FsPermission((short) 0644)));
  }

  @Test
  void deltaCommitRenamesKeepTheirNoOverwriteRule() throws Exception {
    java.nio.file.Path root = TestSpark.temporaryFolder("planwatch-fs-");
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.file.impl", ForklessLocalFileSystem.Fs.class.getName());
    FileContext context = FileContext.getFileContext(root.toUri(), conf);
    Files.writeString(root.resolve(".00000.json.tmp"), "{\"commitInfo\":{}}");
    Files.writeString(root.resolve("00001.json"), "{}");
    Path log = new Path(root.toUri());

    // As Delta's HDFSLogStore commits: rename without overwrite; an existing version is a conflict.
    context.rename(new Path(log, ".00000.json.tmp"), new Path(log, "00000.json"), Options.Rename.NONE);
    assertTrue(Files.exists(root.resolve("00000.json")));
    Files.writeString(root.resolve(".00001.json.tmp"), "{\"commitInfo\":{}}");
    assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class,
        () -> context.rename(new Path(log, ".00001.json.tmp"), new Path(log, "00001.json"), Options.Rename.NONE));
    assertEquals("{}", Files.readString(root.resolve("00001.json")));

    // Link status as Hadoop's own local file system reports it (which, for a path with its scheme, never
    // sees a link: readlink is asked about "file:/..."), for a link, a file and a missing file.
    Files.createSymbolicLink(root.resolve("link.json"), root.resolve("00000.json"));
    FileContext hadoops = FileContext.getFileContext(root.toUri(), new Configuration());
    for (String name : new String[] {"link.json", "00000.json"}) {
      FileStatus ours = context.getFileLinkStatus(new Path(log, name));
      FileStatus theirs = hadoops.getFileLinkStatus(new Path(log, name));
      assertEquals(theirs.isSymlink(), ours.isSymlink(), name);
      assertEquals(theirs.isFile(), ours.isFile(), name);
      assertEquals(theirs.getLen(), ours.getLen(), name);
      assertEquals(theirs.getPath(), ours.getPath(), name);
    }
    assertThrows(FileNotFoundException.class, () -> context.getFileLinkStatus(new Path(log, "missing.json")));
    assertThrows(FileNotFoundException.class, () -> hadoops.getFileLinkStatus(new Path(log, "missing.json")));
  }

  private static FileSystem fileSystem() throws Exception {
    Configuration conf = new Configuration(false);
    ForklessLocalFileSystem fs = new ForklessLocalFileSystem();
    fs.initialize(java.net.URI.create("file:///"), conf);
    return fs;
  }
}
