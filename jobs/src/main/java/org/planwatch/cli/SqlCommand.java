package org.planwatch.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.planwatch.pipeline.PublishedViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code planwatch sql}: query the tables by name. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run SQL against the warehouse (tables bronze.*, silver.*, gold.*, ops.*).",
      "Without -e or -f, reads statements from standard input (an interactive prompt on a terminal)."
    })
public final class SqlCommand implements Callable<Integer> {
  public enum Format { table, csv, json }

  @Mixin WarehouseOptions warehouse;

  @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Statements to run, separated by ';'.")
  String execute;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "File of statements to run.")
  Path file;

  @Option(names = "--format", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. csv: a header line and plain values; json: one object per line. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--max-rows", defaultValue = "1000",
      description = "Rows shown in table format (csv and json print all rows). Default: ${DEFAULT-VALUE}.")
  int maxRows;

  @Override
  public Integer call() throws IOException {
    SparkSession spark = warehouse.session("planwatch sql");
    try {
      PublishedViews.registerIfNeeded(spark, warehouse.warehouse(), warehouse.metastoreMode());
      if (execute != null) {
        return runAll(spark, SqlScript.split(execute));
      }
      if (file != null) {
        return runAll(spark, SqlScript.split(Files.readString(file, StandardCharsets.UTF_8)));
      }
      return interactive(spark);
    } finally {
      spark.stop();
    }
  }

  private int runAll(SparkSession spark, List<String> statements) throws IOException {
    for (String statement : statements) {
      if (!runOne(spark, statement)) {
        return ExitCode.RUNTIME_FAILURE;
      }
    }
    return ExitCode.OK;
  }

  private int interactive(SparkSession spark) throws IOException {
    boolean terminal = System.console() != null;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder pending = new StringBuilder();
    boolean ok = true;
    if (terminal) {
      System.err.println("planwatch sql: end statements with ';', quit with 'quit;' or Ctrl-D");
      System.err.print("planwatch> ");
    }
    for (String line; (line = in.readLine()) != null; ) {
      pending.append(line).append('\n');
      List<String> complete = SqlScript.completeStatements(pending);
      for (String statement : complete) {
        if (statement.equalsIgnoreCase("quit") || statement.equalsIgnoreCase("exit")) {
          return ok ? ExitCode.OK : ExitCode.RUNTIME_FAILURE;
        }
        ok &= runOne(spark, statement);
      }
      if (terminal) {
        System.err.print(pending.toString().isBlank() ? "planwatch> " : "        -> ");
      }
    }
    for (String rest : SqlScript.split(pending.toString())) {
      ok &= runOne(spark, rest);
    }
    return ok ? ExitCode.OK : ExitCode.RUNTIME_FAILURE;
  }

  private boolean runOne(SparkSession spark, String statement) throws IOException {
    Dataset<Row> result;
    try {
      result = spark.sql(statement);
    } catch (Exception e) {
      // Scala throws AnalysisException (and its ParseException) unchecked.
      if (!((Object) e instanceof AnalysisException)) {
        throw e;
      }
      System.err.println("planwatch: SQL error: " + PlanwatchCli.oneLine(e));
      return false;
    }
    if (result.columns().length == 0) {
      return true;
    }
    print(result, System.out);
    return true;
  }

  private void print(Dataset<Row> result, PrintStream out) throws IOException {
    switch (format) {
      case table -> result.show(maxRows, 0, false);
      case csv -> printCsv(result, out);
      case json -> {
        for (Iterator<String> rows = result.toJSON().toLocalIterator(); rows.hasNext(); ) {
          out.println(rows.next());
        }
        out.flush();
      }
    }
  }

  /**
   * A header line and one record per row, streamed partition by partition (the driver never holds the
   * whole result). Arrays, maps and structs are printed as JSON (as the json format gives them, not as
   * the JVM's toString of a Scala collection), decimals in plain notation (0.0000001, not 1E-7).
   */
  static void printCsv(Dataset<Row> result, Appendable out) throws IOException {
    // Renamed by position first: a result may hold two columns of one name (a join), which no name selects.
    StructField[] fields = result.schema().fields();
    String[] byPosition = java.util.stream.IntStream.range(0, fields.length).mapToObj(i -> "_" + i).toArray(String[]::new);
    Column[] plain = java.util.stream.IntStream.range(0, fields.length).mapToObj(i -> {
      DataType type = fields[i].dataType();
      return type instanceof ArrayType || type instanceof MapType || type instanceof StructType ? to_json(col(byPosition[i])) : col(byPosition[i]);
    }).toArray(Column[]::new);
    CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator('\n').setHeader(result.columns()).build());
    for (Iterator<Row> rows = result.toDF(byPosition).select(plain).toLocalIterator(); rows.hasNext(); ) {
      Row row = rows.next();
      Object[] values = new Object[row.size()];
      for (int i = 0; i < values.length; i++) {
        Object value = row.isNullAt(i) ? "" : row.get(i);
        values[i] = value instanceof java.math.BigDecimal d ? d.toPlainString() : value;
      }
      printer.printRecord(values);
    }
    printer.flush();
  }
}
