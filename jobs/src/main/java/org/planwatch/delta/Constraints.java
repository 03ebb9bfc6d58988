package org.planwatch.delta;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.planwatch.rules.ColumnVocabularies;
import org.planwatch.schema.TableSchema;

/** CHECK constraints derived from the controlled vocabularies, for silver tables. */
final class Constraints {
  private Constraints() {}

  static Map<String, String> vocabularyChecks(TableSchema table) {
    Map<String, String> checks = new LinkedHashMap<>();
    if (!table.layer().equals("silver")) {
      return checks;
    }
    ColumnVocabularies.of(table.table())
        .forEach((column, codes) -> checks.put(column + "_known", column + " IS NULL OR " + column + " IN (" + quoted(codes) + ")"));
    return checks;
  }

  private static String quoted(List<String> codes) {
    return codes.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", "));
  }
}
