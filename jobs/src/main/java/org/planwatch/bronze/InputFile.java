package org.planwatch.bronze;

/**
 * One CSV file a bronze table is read from, as the run found it: its path under the datasets folder,
 * its size and the SHA-256 of its bytes (so a file edited in place, same size and all, still counts as changed).
 */
public record InputFile(String table, String path, long sizeBytes, String sha256) {}
