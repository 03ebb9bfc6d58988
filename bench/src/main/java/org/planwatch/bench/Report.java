package org.planwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table bench/run prints: for each workload and figure, the median over the runs and the spread
 * (min - max). Input: the samples file, one "workload TAB figure TAB value" per line.
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws IOException {
    Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.split("\t");
      if (f.length < 3 || f[2].isBlank()) {
        continue;
      }
      samples.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new ArrayList<>())
          .add(Double.parseDouble(f[2]));
    }
    System.out.printf("%-30s %-30s %4s %12s %25s%n", "workload", "figure", "runs", "median", "spread (min - max)");
    samples.forEach((workload, figures) -> {
      figures.forEach((figure, values) -> {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        System.out.printf("%-30s %-30s %4d %12s %25s%n", workload, figure, n, format(median),
            n > 1 ? format(sorted.get(0)) + " - " + format(sorted.get(n - 1)) : "");
      });
      System.out.println();
    });
  }

  static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
