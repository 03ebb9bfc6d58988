package org.planwatch.bronze;

/** A problem with a whole input file (empty, wrong header), reported beside its rows. */
public record FileProblem(String table, String file, long line, String field, String value, String reason) {}
