package org.planwatch.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.planwatch.bronze.CsvInput;
import org.planwatch.bronze.InputFile;
import org.planwatch.rules.EvaluationSettings;
import org.planwatch.schema.Schemas;
import org.planwatch.spark.CodeVersion;
import org.planwatch.spark.Sha256;

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
    return new InputManifest(files, CodeVersion.digest(), settingsDigest(spark));
  }

  /**
   * Whether a setting may change results: the evaluation thresholds ({@code planwatch.*}) and the session
   * time zone (dates and load times are read in it), which {@link #settingsDigest} covers. Anything else
   * that changes results is code.
   */
  public static boolean changesResults(String key) {
    return key.startsWith("planwatch.") || key.equals(TIME_ZONE);
  }

  private static final String TIME_ZONE = "spark.sql.session.timeZone";

  /** The settings that change results ({@link #changesResults}) as this session has them. */
  static String settingsDigest(SparkSession spark) {
    String settings = EvaluationSettings.from(key -> spark.conf().get(key, null))
        + " timeZone=" + spark.conf().get(TIME_ZONE);
    return Sha256.of(settings);
  }
}
