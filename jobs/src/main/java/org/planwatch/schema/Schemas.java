package org.planwatch.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.types.StructType;

/** Loads the declared table schemas from {@code schemas/} on the classpath (they ship inside the jar). */
public final class Schemas {
  private static final Map<String, TableSchema> CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /** The schema of {@code layer.table}, e.g. {@code Schemas.of("silver.plan_target")}. */
  public static TableSchema of(String qualifiedName) {
    return CACHE.computeIfAbsent(qualifiedName, Schemas::load);
  }

  private static TableSchema load(String qualifiedName) {
    String[] parts = qualifiedName.split("\\.", 2);
    if (parts.length != 2) {
      throw new IllegalArgumentException("table name must be layer.table: " + qualifiedName);
    }
    String resource = "schemas/" + parts[0] + "/" + parts[1] + ".ddl";
    try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no declared schema for " + qualifiedName + " (" + resource + ")");
      }
      return parse(qualifiedName, resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  static TableSchema parse(String qualifiedName, String resource, String text) {
    Map<String, String> header = new LinkedHashMap<>();
    Map<String, String> checks = new LinkedHashMap<>();
    Map<String, String> properties = new LinkedHashMap<>();
    StringBuilder ddl = new StringBuilder();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.startsWith("--")) {
        String meta = trimmed.substring(2).trim();
        int colon = meta.indexOf(':');
        if (colon > 0) {
          String key = meta.substring(0, colon).trim();
          String value = meta.substring(colon + 1).trim();
          if (key.equals("check")) {
            int nameEnd = value.indexOf(':');
            checks.put(value.substring(0, nameEnd).trim(), value.substring(nameEnd + 1).trim());
          } else if (key.equals("property")) {
            int equals = value.indexOf('=');
            if (equals <= 0) {
              throw new IllegalStateException(resource + ": property '" + value + "' is not name = value");
            }
            properties.put(value.substring(0, equals).trim(), value.substring(equals + 1).trim());
          } else {
            header.put(key, value);
          }
        }
      } else if (!trimmed.isEmpty()) {
        ddl.append(line).append('\n');
      }
    }
    if (!qualifiedName.equals(header.get("table"))) {
      throw new IllegalStateException(resource + " declares table " + header.get("table"));
    }
    StructType columns = StructType.fromDDL(ddl.toString().trim());
    TableSchema schema =
        new TableSchema(
            qualifiedName,
            header.getOrDefault("comment", ""),
            columns,
            list(header.get("key")),
            list(header.get("volatile")),
            list(header.get("partition")),
            header.get("slice"),
            checks,
            properties,
            header.get("source"),
            Boolean.parseBoolean(header.getOrDefault("required", "false")));
    for (String c : schema.keys()) {
      if (!schema.hasColumn(c)) {
        throw new IllegalStateException(resource + ": key column " + c + " is not declared");
      }
    }
    for (String c : schema.partitionColumns()) {
      if (!schema.hasColumn(c)) {
        throw new IllegalStateException(resource + ": partition column " + c + " is not declared");
      }
      if (schema.field(c).dataType() instanceof org.apache.spark.sql.types.TimestampType) {
        // SessionFactory turns off Delta's check of timestamp partition values in sessions not in UTC.
        throw new IllegalStateException(resource + ": partition column " + c + " is a timestamp; partition by a date or a string");
      }
    }
    schema.sliceColumn().ifPresent(c -> {
      if (!schema.hasColumn(c)) {
        throw new IllegalStateException(resource + ": slice column " + c + " is not declared");
      }
    });
    return schema;
  }

  private static List<String> list(String csv) {
    if (csv == null || csv.isBlank()) {
      return List.of();
    }
    return new ArrayList<>(Arrays.stream(csv.split(",")).map(String::trim).toList());
  }
}
