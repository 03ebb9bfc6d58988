package org.planwatch.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.planwatch.cli.ExitCode;
import org.planwatch.cli.WarehouseOptions;
import org.planwatch.pipeline.PublishedViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code planwatch report}: the dashboard page. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write a self-contained HTML dashboard from the gold tables: per region, indicators by progress status,",
      "achievement rate against elapsed time, required against past growth, and the district against the city.",
      "The page embeds its charts (Apache ECharts) and opens offline."
    })
public final class ReportCommand implements Callable<Integer> {
  @Mixin WarehouseOptions warehouse;

  @Option(names = "--as-of", paramLabel = "YYYY-MM-DD",
      description = "Show the latest evaluation on or before this date. Default: today (Asia/Shanghai).")
  LocalDate asOf;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "planwatch-report.html",
      description = "HTML file to write. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--region", paramLabel = "CODE", split = ",", defaultValue = "330500,330502",
      description = "Region codes, one section each, city first. Default: ${DEFAULT-VALUE} (Huzhou, Wuxing).")
  List<String> regions;

  @Override
  public Integer call() throws IOException {
    LocalDate date = asOf != null ? asOf : LocalDate.now(ZoneId.of("Asia/Shanghai"));
    SparkSession spark = warehouse.session("planwatch report " + date);
    try {
      PublishedViews.registerIfNeeded(spark, warehouse.warehouse(), warehouse.metastoreMode());
      Dashboard dashboard = new DashboardQuery(spark).read(date, regions);
      Path file = write(dashboard, out);
      System.out.printf("planwatch report as of %s -> %s%n", date, file);
      for (Dashboard.Region r : dashboard.regions()) {
        Dashboard.StatusCounts c = r.counts();
        System.out.printf("  %s %s (%s, %s): %d indicators, %d ahead, %d normal, %d slow, %d not evaluable%n",
            r.regionCode(), r.nameEn(), r.planId(), r.latestAsOf(), c.total(), c.ahead(), c.normal(), c.slow(), c.notEvaluable());
      }
      Dashboard.Comparison comparison = dashboard.comparison();
      System.out.printf("  district against city: %s%n",
          comparison.available() ? comparison.pairs().size() + " indicator pairs" : comparison.note());
      return ExitCode.OK;
    } finally {
      spark.stop();
    }
  }

  /** Renders the page and writes it to {@code file} (its folder is created); returns the absolute path. */
  public static Path write(Dashboard dashboard, Path file) throws IOException {
    Path target = file.toAbsolutePath();
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    Files.writeString(target, new ReportPage().render(dashboard), StandardCharsets.UTF_8);
    return target;
  }
}
