package org.planwatch.cli;

import java.util.ArrayList;
import java.util.List;

/** Splits SQL text into statements at ';' outside quotes and comments. */
final class SqlScript {
  private SqlScript() {}

  static List<String> split(String text) {
    StringBuilder buffer = new StringBuilder(text);
    List<String> statements = completeStatements(buffer);
    String rest = strip(buffer.toString());
    if (!rest.isEmpty()) {
      statements.add(rest);
    }
    return statements;
  }

  /** Removes the complete statements (ended by ';') from the buffer and returns them. */
  static List<String> completeStatements(StringBuilder buffer) {
    List<String> out = new ArrayList<>();
    int start = 0;
    char quote = 0;
    boolean lineComment = false;
    boolean blockComment = false;
    for (int i = 0; i < buffer.length(); i++) {
      char c = buffer.charAt(i);
      char next = i + 1 < buffer.length() ? buffer.charAt(i + 1) : 0;
      if (lineComment) {
        lineComment = c != '\n';
      } else if (blockComment) {
        if (c == '*' && next == '/') {
          blockComment = false;
          i++;
        }
      } else if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '-' && next == '-') {
        lineComment = true;
      } else if (c == '/' && next == '*') {
        blockComment = true;
      } else if (c == ';') {
        String statement = strip(buffer.substring(start, i));
        if (!statement.isEmpty()) {
          out.add(statement);
        }
        start = i + 1;
      }
    }
    buffer.delete(0, start);
    return out;
  }

  /** Trims and drops statements that are only comments. */
  private static String strip(String statement) {
    String withoutComments = statement.replaceAll("(?m)^\\s*--.*$", "").trim();
    return withoutComments.isEmpty() ? "" : statement.trim();
  }
}
