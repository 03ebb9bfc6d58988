package org.planwatch.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which build of planwatch is running: a digest of its classes and declared schemas, with the Spark and
 * Delta versions. What a run keeps (ops.run_inputs) and the views it leaves alone depend on it.
 */
public final class CodeVersion {
  /** Once per process: the classes do not change while it runs. */
  private static final String DIGEST = digestOfOwnCode();

  private CodeVersion() {}

  public static String digest() {
    return DIGEST;
  }

  private static String digestOfOwnCode() {
    MessageDigest digest = Sha256.newDigest();
    digest.update(("spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " delta " + deltaVersion())
        .getBytes(StandardCharsets.UTF_8));
    try {
      Path location = Path.of(CodeVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        // A build's classes folder (tests, the IDE): every file's name and bytes.
        try (Stream<Path> walk = Files.walk(location)) {
          for (Path file : walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList()) {
            digest.update(location.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(file));
          }
        }
      } else {
        // The jar (maybe with all dependencies inside): planwatch's own entries, by the CRC the jar keeps.
        try (JarFile jar = new JarFile(location.toFile())) {
          List<JarEntry> own = jar.stream()
              .filter(e -> e.getName().startsWith("org/planwatch/") || e.getName().startsWith("schemas/"))
              .sorted(Comparator.comparing(JarEntry::getName)).toList();
          for (JarEntry e : own) {
            digest.update((e.getName() + " " + e.getCrc() + " " + e.getSize() + "\n").getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read planwatch's own classes to fingerprint them", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return Sha256.hex(digest.digest());
  }

  /** delta-spark's version (its Scala package object: {@code package} is a reserved word in Java). */
  private static String deltaVersion() {
    try {
      return (String) Class.forName("io.delta.package").getMethod("VERSION").invoke(null);
    } catch (ReflectiveOperationException e) {
      return "unknown";
    }
  }
}
