package org.planwatch.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.planwatch.bronze.InputFile;
import org.planwatch.delta.DeltaTables.TableState;
import org.planwatch.pipeline.InputManifest;
import org.planwatch.pipeline.PreviousRun;
import org.planwatch.spark.Warehouse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last run recorded as succeeded, kept for the next run. While ops.job_runs and ops.run_inputs are
 * at the versions that run's writes left them, no run has ended or started since, and the next run
 * takes it from here instead of querying the run log: a join of the two Delta tables, 1.5-2 s of a
 * served night that keeps every table and 7 s of a cold process (its first Spark query and the logs'
 * first snapshots).
 *
 * <p>A serving process keeps it in memory; a local warehouse also keeps it in {@value #FILE_NAME}
 * beside its lock, for the next process. The file is a cache of the run log, never its record: it
 * counts only while both logs are at the table ids and versions it names, and whatever cannot be
 * read is ignored (the log is queried, as without it).
 */
public final class LastRun {
  private static final Logger LOG = LoggerFactory.getLogger("planwatch");
  public static final String FILE_NAME = ".planwatch.last-run.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  private record Remembered(PreviousRun run, TableState log, TableState inputs) {}

  private final boolean acrossRuns;
  private final Path file;
  private Remembered remembered;

  private LastRun(boolean acrossRuns, Path file) {
    this.acrossRuns = acrossRuns;
    this.file = file;
  }

  /** For a process that runs night after night on one warehouse, in memory only. */
  public static LastRun acrossRuns() {
    return new LastRun(true, null);
  }

  /** In memory, and for a local warehouse in its folder too, for the next process on it. */
  public static LastRun acrossProcesses(Warehouse warehouse) {
    return new LastRun(true, warehouse.isLocal() ? warehouse.localFolder().resolve(FILE_NAME) : null);
  }

  /** Nothing is remembered. */
  public static LastRun none() {
    return new LastRun(false, null);
  }

  /**
   * The run remembered, when the run log and the inputs log are still at the states its writes left;
   * their states are looked up only when a run is remembered.
   */
  synchronized Optional<PreviousRun> at(Supplier<TableState> log, Supplier<TableState> inputs) {
    if (remembered == null && file != null) {
      remembered = read(file);
    }
    return remembered != null && remembered.log().equals(log.get()) && remembered.inputs().equals(inputs.get())
        ? Optional.of(remembered.run()) : Optional.empty();
  }

  /** Remembers {@code run}, which has just been recorded as succeeded and left the two logs at these states. */
  synchronized void remember(PreviousRun run, Supplier<TableState> log, Supplier<TableState> inputs) {
    if (!acrossRuns) {
      return;
    }
    remembered = new Remembered(run, log.get(), inputs.get());
    if (file != null) {
      write(file, remembered);
    }
  }

  /** Written aside and moved over the old file, so that a reader never sees half of it; a failure only costs the next run a query. */
  private static void write(Path file, Remembered r) {
    Path scratch = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.writeString(scratch, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r)), StandardCharsets.UTF_8);
      Files.move(scratch, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not keep the last run in {} ({}); the next run reads it from ops.job_runs", file, e.getMessage());
    }
  }

  private static Remembered read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return fromJson(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      LOG.info("{} cannot be read ({}); the last run is read from ops.job_runs", file, e.getMessage());
      return null;
    }
  }

  private static ObjectNode toJson(Remembered r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.set("job_runs", state(r.log()));
    root.set("run_inputs", state(r.inputs()));
    PreviousRun run = r.run();
    ObjectNode node = root.putObject("run");
    node.put("run_id", run.runId());
    node.put("as_of", run.asOf().toString());
    node.put("code_digest", run.manifest().codeDigest());
    node.put("settings_digest", run.manifest().settingsDigest());
    ArrayNode files = node.putArray("files");
    for (InputFile f : run.manifest().files()) {
      files.addObject().put("table", f.table()).put("path", f.path()).put("size_bytes", f.sizeBytes()).put("sha256", f.sha256());
    }
    ArrayNode tables = node.putArray("tables");
    for (PreviousRun.TableOutcome t : run.tables().values()) {
      tables.addObject().put("table", t.table()).put("table_id", t.tableId()).put("version", t.version()).put("rows", t.rows())
          .put("rows_read", t.rowsRead()).put("rows_quarantined", t.rowsQuarantined());
    }
    return root;
  }

  private static Remembered fromJson(JsonNode root) {
    if (root.path("format").asInt() != FORMAT) {
      throw new IllegalArgumentException("format " + root.path("format") + ", not " + FORMAT);
    }
    JsonNode node = root.required("run");
    List<InputFile> files = new ArrayList<>();
    for (JsonNode f : node.required("files")) {
      files.add(new InputFile(text(f, "table"), text(f, "path"), f.required("size_bytes").asLong(), text(f, "sha256")));
    }
    Map<String, PreviousRun.TableOutcome> tables = new LinkedHashMap<>();
    for (JsonNode t : node.required("tables")) {
      tables.put(text(t, "table"), new PreviousRun.TableOutcome(text(t, "table"), text(t, "table_id"), t.required("version").asLong(),
          t.required("rows").asLong(), longOrNull(t, "rows_read"), longOrNull(t, "rows_quarantined")));
    }
    PreviousRun run = new PreviousRun(text(node, "run_id"), LocalDate.parse(text(node, "as_of")),
        new InputManifest(files, text(node, "code_digest"), text(node, "settings_digest")), tables);
    return new Remembered(run, state(root.required("job_runs")), state(root.required("run_inputs")));
  }

  private static ObjectNode state(TableState s) {
    return JSON.createObjectNode().put("table_id", s.tableId()).put("version", s.version());
  }

  private static TableState state(JsonNode node) {
    return new TableState(text(node, "table_id"), node.required("version").asLong());
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.required(field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " is not text");
    }
    return value.asText();
  }

  private static Long longOrNull(JsonNode node, String field) {
    JsonNode value = node.required(field);
    return value.isNull() ? null : value.asLong();
  }
}
