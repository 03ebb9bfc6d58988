package org.planwatch.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a synthetic country in the format of datasets/ (datasets/README.md): provinces, 300 cities
 * and 3,000 counties (at scale 1.0), one plan per county for each of the 12th, 13th and 14th
 * five-year plans, 100 indicators with the curated mix of target kinds, and quarterly year-to-date
 * actuals 2011Q1-2025Q4 for every county and indicator (3,000 x 100 x 60 = 18 million observations).
 *
 * <p>Every figure is a function of (seed, region, indicator): the same seed writes the same files,
 * and a later quarter can be written on its own (the nightly increment) with the values a full run
 * would have written. Rows are streamed to the files; nothing is held but one series of 60 values.
 *
 * <p>Usage: {@code SyntheticDatasets --out DIR [--scale 1.0] [--seed 42] [--until 2025Q4] [--only 2025Q4]}.
 * {@code --until} stops the actuals at that quarter; {@code --only} writes just that quarter's actuals
 * into observations/&lt;year&gt;q&lt;q&gt;.csv and nothing else.
 */
public final class SyntheticDatasets {
  static final int FIRST_YEAR = 2011;
  static final int YEARS = 15;
  static final int QUARTERS = YEARS * 4;
  static final int[] PLAN_BASE_YEARS = {2010, 2015, 2020};
  static final int[] PLAN_NUMBERS = {12, 13, 14};
  static final String DOC = "synthetic.txt";

  /** How one synthetic indicator behaves. */
  record Indicator(int index, String code, String kind, String direction, String growthModel, String measureType,
      String plannedGrowthKind, boolean additive) {}

  static final List<Indicator> INDICATORS = indicators();

  /**
   * The curated plan_targets' mix (69 level, 18 assigned, 8 annual growth, 7 cumulative, 5 maintain,
   * 3 ceiling, 2 sync, 2 above the province average, 1 floor, of 115) scaled to 100, with the
   * curated mix of measure types and growth models within each kind.
   */
  private static List<Indicator> indicators() {
    List<Indicator> out = new ArrayList<>();
    // level 60: 25 flows (3 lower-is-better, e.g. energy use), 25 linear stocks (4 lower), 5 compound stocks, 5 period averages
    for (int k = 0; k < 60; k++) {
      String code = k == 0 ? "gdp" : String.format("ind%03d", out.size());
      String measure, model, dir;
      if (k < 25) {
        measure = "flow"; model = "compound"; dir = k >= 22 ? "lower_better" : "higher_better";
      } else if (k < 50) {
        measure = "stock"; model = "linear"; dir = k >= 46 ? "lower_better" : "higher_better";
      } else if (k < 55) {
        measure = "stock"; model = "compound"; dir = "higher_better";
      } else {
        measure = "period_average"; model = "linear"; dir = "higher_better";
      }
      // 12 of the curated level rows print a planned growth rate, 11 a cumulative increment
      String planned = k < 12 ? "annual_growth_rate" : (k >= 25 && k < 36 ? "cumulative_increment" : "");
      out.add(new Indicator(out.size(), code, "level", dir, model, measure, planned, measure.equals("flow")));
    }
    for (int k = 0; k < 8; k++) {
      boolean rate = k < 4; // half are growth-rate indicators, half amounts
      out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "annual_growth", "higher_better", "compound",
          rate ? "growth_rate" : "flow", "annual_growth_rate", !rate));
    }
    for (int k = 0; k < 6; k++) {
      out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "cumulative", "higher_better", "compound", "flow",
          "cumulative_total", true));
    }
    for (int k = 0; k < 16; k++) {
      out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "assigned", "higher_better", "linear", "stock", "", false));
    }
    for (int k = 0; k < 4; k++) {
      out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "maintain", "higher_better", "linear", "stock", "", false));
    }
    for (int k = 0; k < 3; k++) {
      out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "ceiling", "lower_better", "linear", "stock", "", false));
    }
    out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "floor", "higher_better", "linear", "stock", "", false));
    out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "sync_with_economy", "higher_better", "compound", "flow", "", true));
    out.add(new Indicator(out.size(), String.format("ind%03d", out.size()), "above_province_average", "higher_better", "linear", "stock", "", false));
    return List.copyOf(out);
  }

  private final Path out;
  private final double scale;
  private final long seed;

  SyntheticDatasets(Path out, double scale, long seed) {
    this.out = out;
    this.scale = scale;
    this.seed = seed;
  }

  int provinces() {
    return Math.max(1, (int) Math.round(30 * scale));
  }

  static final int CITIES_PER_PROVINCE = 10;
  static final int COUNTIES_PER_CITY = 10;

  static String provinceCode(int p) {
    return String.format("%02d0000", 11 + p);
  }

  static String cityCode(int p, int c) {
    return String.format("%02d%02d00", 11 + p, c + 1);
  }

  static String countyCode(int p, int c, int k) {
    return String.format("%02d%02d%02d", 11 + p, c + 1, k + 1);
  }

  /** The yearly values V(2010..2025) and the quarterly year-to-date figures of one county's indicator. */
  final class Series {
    final Indicator indicator;
    final double[] year = new double[YEARS + 1]; // index 0 = 2010
    final double[] quarter = new double[QUARTERS];
    final boolean[] statusMet = new boolean[QUARTERS];
    final double growth;
    final SplittableRandom random;

    Series(String region, Indicator indicator) {
      this.indicator = indicator;
      this.random = new SplittableRandom(seed * 1_000_003L + region.hashCode() * 131L + indicator.index());
      boolean lower = indicator.direction().equals("lower_better");
      boolean compound = indicator.growthModel().equals("compound");
      // 80% move the way the plan wants, 20% the other way: some targets are slow or moving away.
      double sense = (random.nextDouble() < 0.8 ? 1 : -1) * (lower ? -1 : 1);
      switch (indicator.kind()) {
        case "maintain" -> {
          growth = 0;
          for (int y = 0; y <= YEARS; y++) {
            year[y] = random.nextDouble() < 0.9 ? 100 : round(99 + random.nextDouble(), 1);
          }
        }
        default -> {
          double start = indicator.measureType().equals("growth_rate") ? 4 + 6 * random.nextDouble()
              : compound ? 50 + 950 * random.nextDouble() : 20 + 60 * random.nextDouble();
          growth = compound ? sense * (0.02 + 0.07 * random.nextDouble()) : sense * (0.2 + 1.3 * random.nextDouble());
          for (int y = 0; y <= YEARS; y++) {
            double v;
            if (indicator.measureType().equals("growth_rate")) {
              v = start + sense * 0.1 * y + random.nextGaussian();
            } else if (compound) {
              v = start * Math.pow(1 + growth, y) * (1 + 0.02 * random.nextGaussian());
            } else {
              v = Math.max(0.5, start + growth * y + 0.2 * random.nextGaussian());
            }
            year[y] = round(v, 2);
          }
        }
      }
      for (int q = 0; q < QUARTERS; q++) {
        int y = q / 4 + 1;
        int inYear = q % 4 + 1;
        double v;
        if (inYear == 4) {
          v = year[y];
        } else if (indicator.measureType().equals("flow")) {
          v = year[y] * inYear / 4 * (1 + 0.01 * random.nextGaussian());
        } else if (indicator.measureType().equals("stock")) {
          v = year[y - 1] + (year[y] - year[y - 1]) * inYear / 4;
        } else {
          v = year[y] + 0.3 * random.nextGaussian();
        }
        quarter[q] = round(v, 2);
        statusMet[q] = random.nextDouble() < 0.9;
      }
    }

    double at(int calendarYear) {
      return year[calendarYear - 2010];
    }
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static String num(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** Quote a field per RFC 4180 when needed. */
  static String csv(String v) {
    if (v == null) {
      return "";
    }
    return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  static void row(Writer w, Object... fields) throws IOException {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        w.write(',');
      }
      w.write(fields[i] == null ? "" : csv(fields[i].toString()));
    }
    w.write('\n');
  }

  private BufferedWriter open(String folder, String file, String header) throws IOException {
    Path dir = out.resolve(folder);
    Files.createDirectories(dir);
    BufferedWriter w = Files.newBufferedWriter(dir.resolve(file), StandardCharsets.UTF_8);
    w.write(header);
    w.write('\n');
    return w;
  }

  static final String REGION_HEADER = "region_code,parent_code,level,name_zh,name_en,source_doc,source_ref,note";
  static final String PLAN_HEADER =
      "plan_id,region_code,plan_name_zh,plan_name_en,period_start_year,period_end_year,base_year,target_year,source_doc,source_ref,note";
  static final String INDICATOR_HEADER =
      "plan_id,indicator_code,seq,name_zh,name_en,unit,category_zh,category_en,attribute,direction,growth_model,measure_type,is_additive,source_doc,source_table,source_line,note";
  static final String TARGET_HEADER =
      "plan_id,region_code,indicator_code,base_year,base_value,base_text,target_year,target_value,target_text,target_kind,planned_growth_text,planned_growth_value,planned_growth_kind,source_doc,source_table,source_line,note";
  static final String OBSERVATION_HEADER =
      "region_code,indicator_code,period_start,period_end,period_label,value_kind,value,value_text,statistical_scope,status_met,source_doc,source_table,source_line,note";

  static String planId(String county, int plan) {
    return "c" + county + "_" + PLAN_NUMBERS[plan];
  }

  /** Writes everything: regions, plans, indicators, plan targets and the actuals up to {@code until} (quarter index, inclusive). */
  long writeAll(int until) throws IOException {
    long observations = 0;
    try (BufferedWriter regions = open("regions", "regions.csv", REGION_HEADER);
        BufferedWriter plans = open("plans", "plans.csv", PLAN_HEADER);
        BufferedWriter indicators = open("indicators", "indicators.csv", INDICATOR_HEADER);
        BufferedWriter targets = open("plan_targets", "plan_targets.csv", TARGET_HEADER)) {
      Map<Integer, BufferedWriter> years = new LinkedHashMap<>();
      try {
        for (int y = 0; y <= until / 4; y++) {
          years.put(y, open("observations", (FIRST_YEAR + y) + ".csv", OBSERVATION_HEADER));
        }
        for (int p = 0; p < provinces(); p++) {
          String province = provinceCode(p);
          row(regions, province, "", "province", "省" + (p + 1), "Province " + (p + 1), DOC, "synthetic", "");
          observations += writeProvinceAverages(province, years, until);
          for (int c = 0; c < CITIES_PER_PROVINCE; c++) {
            String city = cityCode(p, c);
            row(regions, city, province, "city", "市" + city, "City " + city, DOC, "synthetic", "");
            for (int k = 0; k < COUNTIES_PER_CITY; k++) {
              String county = countyCode(p, c, k);
              row(regions, county, city, "county", "县" + county, "County " + county, DOC, "synthetic", "");
              for (int plan = 0; plan < PLAN_BASE_YEARS.length; plan++) {
                int base = PLAN_BASE_YEARS[plan];
                row(plans, planId(county, plan), county, county + "第" + PLAN_NUMBERS[plan] + "个五年规划",
                    county + " plan " + PLAN_NUMBERS[plan], base + 1, base + 5, base, base + 5, DOC, "synthetic", "");
              }
              for (Indicator indicator : INDICATORS) {
                Series series = new Series(county, indicator);
                for (int plan = 0; plan < PLAN_BASE_YEARS.length; plan++) {
                  writeIndicator(indicators, planId(county, plan), indicator);
                  writeTarget(targets, planId(county, plan), county, PLAN_BASE_YEARS[plan], series);
                }
                for (int q = 0; q <= until; q++) {
                  writeObservation(years.get(q / 4), county, series, q);
                  observations++;
                }
              }
            }
          }
        }
      } finally {
        for (BufferedWriter w : years.values()) {
          w.close();
        }
      }
    }
    return observations;
  }

  /** Writes the actuals of one quarter only, into observations/&lt;year&gt;q&lt;n&gt;.csv. */
  long writeQuarter(int q) throws IOException {
    long observations = 0;
    String file = (FIRST_YEAR + q / 4) + "q" + (q % 4 + 1) + ".csv";
    try (BufferedWriter w = open("observations", file, OBSERVATION_HEADER)) {
      Map<Integer, BufferedWriter> single = Map.of(q / 4, w);
      for (int p = 0; p < provinces(); p++) {
        observations += writeProvinceAverages(provinceCode(p), single, q, q);
        for (int c = 0; c < CITIES_PER_PROVINCE; c++) {
          for (int k = 0; k < COUNTIES_PER_CITY; k++) {
            String county = countyCode(p, c, k);
            for (Indicator indicator : INDICATORS) {
              writeObservation(w, county, new Series(county, indicator), q);
              observations++;
            }
          }
        }
      }
    }
    return observations;
  }

  private long writeProvinceAverages(String province, Map<Integer, BufferedWriter> years, int until) throws IOException {
    return writeProvinceAverages(province, years, 0, until);
  }

  /** Yearly province averages of the above-province-average indicator (the figure its targets compare with). */
  private long writeProvinceAverages(String province, Map<Integer, BufferedWriter> years, int from, int until) throws IOException {
    Indicator indicator = INDICATORS.get(INDICATORS.size() - 1);
    Series series = new Series(province, indicator);
    long n = 0;
    for (int q = from; q <= until; q++) {
      if (q % 4 == 3) {
        writeObservation(years.get(q / 4), province, series, q);
        n++;
      }
    }
    return n;
  }

  private void writeIndicator(Writer w, String planId, Indicator i) throws IOException {
    String unit = switch (i.measureType()) {
      case "flow" -> "亿元";
      case "growth_rate" -> "%";
      default -> i.growthModel().equals("compound") ? "万人" : "%";
    };
    row(w, planId, i.code(), i.index() + 1, "指标" + (i.index() + 1), "Indicator " + (i.index() + 1), unit,
        "类别" + (i.index() % 5 + 1), "Category " + (i.index() % 5 + 1), i.index() % 3 == 0 ? "binding" : "expected",
        i.direction(), i.growthModel(), i.measureType(), i.additive(), DOC, "表1", i.index() + 1, "");
  }

  private void writeTarget(Writer w, String planId, String county, int base, Series s) throws IOException {
    Indicator i = s.indicator;
    double b = s.at(base);
    int target = base + 5;
    SplittableRandom r = new SplittableRandom(seed + planId.hashCode() * 31L + i.index());
    Double baseValue = b;
    Double targetValue = null;
    Double planned = null;
    String plannedKind = i.plannedGrowthKind();
    boolean lower = i.direction().equals("lower_better");
    switch (i.kind()) {
      case "level" -> {
        double projected = i.growthModel().equals("compound")
            ? b * Math.pow(1 + Math.abs(s.growth) * (0.8 + 0.6 * r.nextDouble()), 5) * (lower ? 0.7 : 1)
            : b + 5 * Math.abs(s.growth) * (0.8 + 0.6 * r.nextDouble()) * (lower ? -1 : 1);
        double t = round(projected, 2);
        if (lower ? t >= b : t <= b) {
          t = round(lower ? b * 0.95 : b * 1.05 + 0.01, 2);
        }
        targetValue = t;
        if (plannedKind.equals("annual_growth_rate")) {
          planned = round((Math.pow(t / b, 0.2) - 1) * 100, 1);
        } else if (plannedKind.equals("cumulative_increment")) {
          planned = round(t - b, 2);
        }
      }
      case "annual_growth" -> planned = round(Math.max(0.5, Math.abs(s.growth) * 100 * (0.8 + 0.5 * r.nextDouble())), 1);
      case "cumulative" -> {
        double sum = 0;
        for (int y = base + 1; y <= target; y++) {
          sum += Math.min(y, 2025) == y ? s.at(y) : s.at(2025);
        }
        targetValue = round(sum * (0.9 + 0.2 * r.nextDouble()), 2);
        planned = targetValue;
        baseValue = null;
      }
      case "ceiling" -> targetValue = round(b * 1.05, 2);
      case "floor" -> targetValue = round(b * 0.95, 2);
      case "maintain" -> {
        baseValue = 100.0;
        targetValue = 100.0;
      }
      case "assigned" -> baseValue = null;
      default -> { } // sync_with_economy, above_province_average: relative, no target value
    }
    String kind = plannedKind.isEmpty() || planned == null ? "" : plannedKind;
    row(w, planId, county, i.code(), base, baseValue == null ? "" : num(baseValue), baseValue == null ? "" : num(baseValue),
        target, targetValue == null ? "" : num(targetValue), targetValue == null ? "" : num(targetValue), i.kind(),
        planned == null ? "" : num(planned), planned == null ? "" : num(planned), kind, DOC, "表1", i.index() + 1, "");
  }

  private void writeObservation(Writer w, String region, Series s, int q) throws IOException {
    int year = FIRST_YEAR + q / 4;
    int inYear = q % 4 + 1;
    String end = switch (inYear) {
      case 1 -> year + "-03-31";
      case 2 -> year + "-06-30";
      case 3 -> year + "-09-30";
      default -> year + "-12-31";
    };
    String label = inYear == 4 ? String.valueOf(year) : year + "Q1-Q" + inYear;
    if (s.indicator.kind().equals("assigned")) {
      row(w, region, s.indicator.code(), year + "-01-01", end, label, "status", "", s.statusMet[q] ? "完成" : "未完成", "",
          s.statusMet[q], DOC, "表1", q + 1, "");
    } else {
      row(w, region, s.indicator.code(), year + "-01-01", end, label, "level", num(s.quarter[q]), "", "", "", DOC, "表1", q + 1, "");
    }
  }

  /** Quarter index (0 = 2011Q1) of "2025Q4". */
  static int quarterIndex(String label) {
    int year = Integer.parseInt(label.substring(0, 4));
    int q = Integer.parseInt(label.substring(5));
    return (year - FIRST_YEAR) * 4 + q - 1;
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("out")) {
      System.err.println("usage: SyntheticDatasets --out DIR [--scale 1.0] [--seed 42] [--until 2025Q4] [--only 2025Q4]");
      System.exit(2);
    }
    SyntheticDatasets generator = new SyntheticDatasets(
        Path.of(options.get("out")), Double.parseDouble(options.getOrDefault("scale", "1.0")),
        Long.parseLong(options.getOrDefault("seed", "42")));
    long start = System.nanoTime();
    long rows = options.containsKey("only")
        ? generator.writeQuarter(quarterIndex(options.get("only")))
        : generator.writeAll(quarterIndex(options.getOrDefault("until", "2025Q4")));
    System.out.printf("%d observations written to %s in %.1f s%n", rows, options.get("out"), (System.nanoTime() - start) / 1e9);
  }
}
