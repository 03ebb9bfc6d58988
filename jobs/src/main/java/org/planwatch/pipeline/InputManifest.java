package org.planwatch.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.planwatch.bronze.CsvInput;
import org.planwatch.bronze.InputFile;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.schema.Schemas;

/**
 * Everything a run's tables are a function of, besides the evaluation date: every input file (path,
 * size, SHA-256), planwatch's code (its classes and declared schemas, with the Spark and Delta
 * versions) and the settings that change results. Two runs with equal manifests compute the same
 * bronze and silver rows, so the second may keep the first one's tables ({@link NightlyRun}).
 */
public record InputManifest(List<InputFile> files, String codeDigest, String settingsDigest) {

  /** The files of one bronze table, in the order read. */
  public List<InputFile> filesOf(String bronzeTable) {
    return files.stream().filter(f -> f.table().equals(bronzeTable)).toList();
  }

  /** The manifest of {@code datasetsRoot} as it is now, for this process's code and settings. */
  public static InputManifest of(SparkSession spark, String datasetsRoot) {
    CsvInput input = new CsvInput(spark, datasetsRoot);
    List<InputFile> files = new ArrayList<>();
    for (String table : NightlyRun.INPUT_TABLES) {
      files.addAll(input.inputFiles(Schemas.of("bronze." + table)));
    }
    return new InputManifest(files, OWN_CODE, settingsDigest(spark));
  }

  /**
   * The evaluation thresholds ({@code planwatch.*}) and the session time zone (dates and load times are
   * read in it). Anything else that changes results is code.
   */
  static String settingsDigest(SparkSession spark) {
    String settings = EvaluationSettings.from(key -> spark.conf().get(key, null))
        + " timeZone=" + spark.conf().get("spark.sql.session.timeZone");
    return sha256(settings.getBytes(StandardCharsets.UTF_8));
  }

  /** Once per process: the classes do not change while it runs. */
  private static final String OWN_CODE = digestOfOwnCode();

  private static String digestOfOwnCode() {
    MessageDigest digest = newDigest();
    digest.update(("spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " delta " + deltaVersion())
        .getBytes(StandardCharsets.UTF_8));
    try {
      Path location = Path.of(NightlyRun.class.getProtectionDomain().getCodeSource().getLocation().toURI());
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
    return HexFormat.of().formatHex(digest.digest());
  }

  /** delta-spark's version (its Scala package object: {@code package} is a reserved word in Java). */
  private static String deltaVersion() {
    try {
      return (String) Class.forName("io.delta.package").getMethod("VERSION").invoke(null);
    } catch (ReflectiveOperationException e) {
      return "unknown";
    }
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
