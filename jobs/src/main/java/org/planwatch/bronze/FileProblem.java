package org.planwatch.bronze;

/** A problem with a whole input file (empty, wrong header), reported beside its rows. */
public record FileProblem(String table, String file, long line, String field, String value, String reason) {
  /** The field of a problem with the whole file (an empty file). */
  public static final String FILE = "(file)";
  /** The field of a header that does not match the table's columns. */
  public static final String HEADER = "(header)";
  /** Fields that name a file problem rather than a row's. */
  public static final java.util.List<String> FILE_FIELDS = java.util.List.of(FILE, HEADER);
}
