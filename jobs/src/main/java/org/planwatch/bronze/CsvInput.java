package org.planwatch.bronze;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.planwatch.pipeline.InputException;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the CSV files of one dataset folder into the rows of its bronze table, as read: every
 * field a string, plus the file and line it came from. Nothing is dropped here: a line that cannot
 * be read as a record keeps its partial fields and says why in {@code read_error}; a file without a
 * header is reported as a {@link FileProblem}.
 *
 * <p>Spark's CSV reader gives no line numbers, so each file is read as text, its lines numbered
 * ({@link #lineNumber}: files are read one by one, as numbering a union would interleave their
 * splits), and each line parsed with {@code from_csv}, all in Spark SQL: no line becomes a Java
 * object on its way.
 */
public final class CsvInput {
  private static final Logger LOG = LoggerFactory.getLogger(CsvInput.class);
  /** Commas outside double quotes: how many fields a malformed line really has. */
  private static final String FIELD_SEPARATOR = ",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)";
  private static final String CORRUPT = "_corrupt_record";
  private static final String LINE = "_line";
  public static final List<String> TECHNICAL_COLUMNS = List.of("input_file", "input_line", "read_error", "loaded_at");

  private final SparkSession spark;
  private final String datasetsRoot;

  public CsvInput(SparkSession spark, String datasetsRoot) {
    this.spark = spark;
    this.datasetsRoot = datasetsRoot.endsWith("/") ? datasetsRoot.substring(0, datasetsRoot.length() - 1) : datasetsRoot;
  }

  /** The rows of the table's dataset folder and the problems with its files. */
  public record Result(Dataset<Row> rows, List<FileProblem> problems, List<String> files) {}

  /** The CSV columns of a bronze table: its declared columns before the technical ones. */
  public static List<String> csvColumns(TableSchema bronze) {
    return bronze.columnNames().stream().filter(c -> !TECHNICAL_COLUMNS.contains(c)).toList();
  }

  /**
   * The rows of the files {@code only} accepts (by path relative to the datasets root, e.g.
   * {@code observations/2023.csv}), and the problems of every file of the folder.
   */
  public Result read(TableSchema bronze, Timestamp loadedAt, java.util.function.Predicate<String> only) {
    List<String> columns = csvColumns(bronze);
    Inspection inspection = inspect(bronze);
    Dataset<Row> all = null;
    for (CheckedFile file : inspection.readable()) {
      if (!only.test(file.relative())) {
        continue;
      }
      Dataset<Row> rows = readFile(file.status().getPath().toString(), file.relative(), columns, file.headerError(), loadedAt);
      all = all == null ? rows : all.unionByName(rows);
    }
    if (all == null) {
      all = spark.createDataFrame(List.of(), bronze.columns());
    }
    return new Result(all.select(bronze.columnNames().stream().map(functionsCol()).toArray(Column[]::new)),
        inspection.problems(), inspection.names());
  }

  /**
   * The problems of the table's files (empty, wrong header) without reading their rows: what a run that
   * reuses the bronze table still owes silver.quarantine. Reads one line per file.
   */
  public List<FileProblem> fileProblems(TableSchema bronze) {
    return inspect(bronze).problems();
  }

  /**
   * Every CSV file of the table's dataset folder, in the order read, with its size and SHA-256; fails with an
   * {@link InputException} when a required folder is missing or holds no CSV file.
   */
  public List<InputFile> inputFiles(TableSchema bronze) {
    String folder = bronze.sourceFolder().orElseThrow(() -> new IllegalStateException(bronze + " declares no source"));
    List<FileStatus> files = listCsvFiles(folder, bronze.required());
    // Hashed side by side, one file per core: a nation's actuals are some 160 MB of CSV at --scale 0.1,
    // which one thread hashes in about 1.5 s of every night.
    java.util.concurrent.ExecutorService hashing =
        java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors())));
    try {
      List<java.util.concurrent.Future<String>> digests = new ArrayList<>();
      for (FileStatus file : files) {
        digests.add(hashing.submit(() -> sha256(file.getPath(), folder + "/" + file.getPath().getName())));
      }
      List<InputFile> out = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        FileStatus file = files.get(i);
        out.add(new InputFile(bronze.qualifiedName(), folder + "/" + file.getPath().getName(), file.getLen(), digest(digests.get(i))));
      }
      return out;
    } finally {
      hashing.shutdownNow();
    }
  }

  /** The digest a hashing thread found, or the error it met (an {@link InputException} naming the file) as it was. */
  private static String digest(java.util.concurrent.Future<String> digest) {
    try {
      return digest.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while hashing the input files", e);
    }
  }

  private record CheckedFile(FileStatus status, String relative, String headerError) {}

  private record Inspection(List<CheckedFile> readable, List<FileProblem> problems, List<String> names) {}

  private Inspection inspect(TableSchema bronze) {
    String folder = bronze.sourceFolder().orElseThrow(() -> new IllegalStateException(bronze + " declares no source"));
    List<String> columns = csvColumns(bronze);
    List<CheckedFile> readable = new ArrayList<>();
    List<FileProblem> problems = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (FileStatus file : listCsvFiles(folder, bronze.required())) {
      String relative = folder + "/" + file.getPath().getName();
      names.add(relative);
      String header = firstLine(file.getPath(), relative);
      if (header == null) {
        problems.add(new FileProblem(bronze.table(), relative, 1, FileProblem.FILE, null,
            "empty file: expected the header line " + String.join(",", columns)));
        continue;
      }
      if (header.startsWith("\uFEFF")) {
        LOG.warn("{}: starts with a UTF-8 byte order mark; ignored", relative);
        header = header.substring(1);
      }
      String headerError = headerError(header, columns);
      if (headerError != null) {
        problems.add(new FileProblem(bronze.table(), relative, 1, FileProblem.HEADER, header, headerError));
      }
      readable.add(new CheckedFile(file, relative, headerError));
    }
    return new Inspection(readable, problems, names);
  }

  private String sha256(Path path, String relative) {
    try (java.io.InputStream in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path)) {
      return Sha256.of(in);
    } catch (IOException e) {
      throw new InputException("cannot read input file " + relative + ": " + e.getMessage(), e);
    }
  }


  private static java.util.function.Function<String, Column> functionsCol() {
    return org.apache.spark.sql.functions::col;
  }

  private List<FileStatus> listCsvFiles(String folder, boolean required) {
    Path dir = new Path(datasetsRoot + "/" + folder);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        if (required) {
          throw new InputException("missing required input folder " + dir + " (expected *.csv files for " + folder + ")");
        }
        return List.of();
      }
      FileStatus[] listed = fs.listStatus(dir, p -> p.getName().endsWith(".csv"));
      if (listed.length == 0 && required) {
        throw new InputException("no *.csv file in required input folder " + dir);
      }
      return Arrays.stream(listed).sorted(Comparator.comparing(s -> s.getPath().getName())).toList();
    } catch (IOException e) {
      throw new InputException("cannot list input folder " + dir + ": " + e.getMessage(), e);
    }
  }

  private String firstLine(Path path, String relative) {
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        String line = reader.readLine();
        return line == null || line.isBlank() ? null : line;
      }
    } catch (IOException e) {
      throw new InputException("cannot read input file " + relative + ": " + e.getMessage(), e);
    }
  }

  static String headerError(String header, List<String> expected) {
    List<String> found = Arrays.stream(header.split(",", -1)).map(s -> s.trim().replaceAll("^\"|\"$", "")).toList();
    for (int i = 0; i < Math.max(found.size(), expected.size()); i++) {
      String f = i < found.size() ? found.get(i) : null;
      String e = i < expected.size() ? expected.get(i) : null;
      if (f == null || !f.equals(e)) {
        String what =
            f == null ? "is missing (expected '" + e + "')"
                : e == null ? "is '" + f + "', but the header has only " + expected.size() + " columns"
                : "is '" + f + "', expected '" + e + "'";
        return "header does not match the declared schema: column " + (i + 1) + " " + what
            + "; expected header: " + String.join(",", expected);
      }
    }
    return null;
  }

  /**
   * The 1-based line number of each row of one file's text scan: the lines of the partitions before
   * the row's (counted by a pass that decodes no text; one count per split of the file) plus its place
   * in its own partition. A file's splits are its partitions in file order, as zipWithIndex assumes too.
   */
  private Column lineNumber(Dataset<Row> text) {
    Map<Integer, Long> linesPerPartition = new HashMap<>();
    for (Row count : text.select(spark_partition_id().as("partition")).groupBy("partition").count().collectAsList()) {
      linesPerPartition.put(count.getInt(0), count.getLong(1));
    }
    int partitions = linesPerPartition.isEmpty() ? 1 : Collections.max(linesPerPartition.keySet()) + 1;
    Column[] linesBefore = new Column[partitions];
    long before = 0;
    for (int p = 0; p < partitions; p++) {
      linesBefore[p] = lit(before);
      before += linesPerPartition.getOrDefault(p, 0L);
    }
    // monotonically_increasing_id: the partition index in the upper 31 bits, the row's place in the lower 33.
    Column placeInPartition = monotonically_increasing_id().bitwiseAND(lit((1L << 33) - 1));
    Column offset = partitions == 1 ? linesBefore[0] : element_at(array(linesBefore), spark_partition_id().plus(1));
    return offset.plus(placeInPartition).plus(1);
  }

  private Dataset<Row> readFile(String path, String relative, List<String> columns, String headerError, Timestamp loadedAt) {
    Dataset<Row> text = spark.read().text(path);
    Dataset<Row> lines =
        text.select(lineNumber(text).as(LINE), col("value").as("text"))
            .where(col(LINE).gt(1).and(trim(col("text")).notEqual("")));
    StructType parseSchema = new StructType();
    for (String c : columns) {
      parseSchema = parseSchema.add(c, DataTypes.StringType);
    }
    parseSchema = parseSchema.add(CORRUPT, DataTypes.StringType);
    Map<String, String> options = Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT, "escape", "\"");
    Dataset<Row> parsed =
        lines.select(col(LINE), from_csv(col("text"), lit(parseSchema.toDDL()), options).as("record")).select(col(LINE), col("record.*"));
    // The text source keeps a line's bytes as they are; from_csv decodes them, an invalid byte to U+FFFD.
    Column anyField = concat_ws("\u0001", columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    Column readError =
        headerError != null
            ? lit("file header does not match: " + headerError)
            : when(col(CORRUPT).isNotNull(),
                    format_string("wrong number of fields: expected %d, found %d",
                        lit(columns.size()), size(split(col(CORRUPT), FIELD_SEPARATOR))))
                .when(instr(anyField, "\uFFFD").gt(0),
                    lit("not valid UTF-8 (is the file saved as GBK/GB18030?): save it as UTF-8"));
    return parsed
        .withColumn("input_file", lit(relative))
        .withColumn("input_line", col(LINE))
        .withColumn("read_error", readError)
        .withColumn("loaded_at", lit(loadedAt));
  }
}
