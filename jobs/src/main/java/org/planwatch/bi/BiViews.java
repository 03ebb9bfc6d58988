package org.planwatch.bi;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StructField;
import org.planwatch.delta.Layers;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;
import org.planwatch.spark.Views;
import org.planwatch.spark.Warehouse;

/**
 * The {@code bi} database: a star of views over silver and gold for BI tools. Dimensions
 * ({@code dim_region}, {@code dim_indicator}, {@code dim_period}) and facts ({@code fact_progress},
 * and {@code fact_comparison} once gold.district_city_comparison exists), with readable column names
 * and fractions scaled to percent for display (achievement 0.3606 is shown as 36.1). Views, not
 * tables: they hold no data of their own, so they never lag the tables, and every run recreates them
 * (the latest-evaluation flag depends on --as-of).
 */
public final class BiViews {
  public static final String DATABASE = "bi";
  static final String COMPARISON_SOURCE = "gold.district_city_comparison";

  private BiViews() {}

  /** Creates or replaces the views; returns their names. */
  public static List<String> create(SparkSession spark, Warehouse warehouse, LocalDate asOf) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + DATABASE + " COMMENT '" + Layers.comment(DATABASE)
        + "' LOCATION '" + warehouse.layerLocation(DATABASE) + "'");
    List<String> views = new ArrayList<>();
    views.add(view(spark, "dim_region",
        "Regions: one row per region, with its parent | 维度：行政区划（含上级区划）",
        List.of(
            col("r.region_code", "region_code", "Administrative division code, e.g. 330500 (Huzhou), 330502 (Wuxing) | 行政区划代码"),
            col("r.name_en", "region_name", "Region name in English | 区划英文名称"),
            col("r.name_zh", "region_name_zh", "Region name | 区划名称"),
            col("r.level", "region_level", "province, city, district or county | 层级"),
            col("r.parent_code", "parent_region_code", "Code of the parent region (the city of a district) | 上级区划代码"),
            col("p.name_en", "parent_region_name", "Parent region name in English | 上级区划英文名称"),
            col("p.name_zh", "parent_region_name_zh", "Parent region name | 上级区划名称")),
        "silver.region r LEFT JOIN silver.region p ON r.parent_code = p.region_code"));
    views.add(view(spark, "dim_indicator",
        "Indicators of every plan: one row per plan and indicator; join facts on indicator_key | 维度：各规划指标（按 indicator_key 关联）",
        List.of(
            col("concat(i.plan_id, ':', i.indicator_code)", "indicator_key", "Plan and indicator, e.g. huzhou_14:gdp: the key facts join on | 指标键（规划编号:指标代码）"),
            col("i.plan_id", "plan_id", "Plan id, e.g. huzhou_14 | 规划编号"),
            col("pl.region_code", "region_code", "Region whose plan it is | 规划所属区划代码"),
            col("i.indicator_code", "indicator_code", "Indicator code, the same code means the same definition in every plan | 指标代码"),
            col("i.name_en", "indicator_name", "Indicator name in English | 指标英文名称"),
            col("i.name_zh", "indicator_name_zh", "Indicator name as printed in the plan | 指标名称"),
            col("i.unit", "unit", "Unit as printed | 单位"),
            col("i.category_en", "category", "Category in English | 一级指标（英文）"),
            col("i.category_zh", "category_zh", "Category (一级指标) | 一级指标"),
            col("i.attribute", "attribute", "expected (预期性) or binding (约束性) | 指标属性"),
            col("CASE i.attribute WHEN 'expected' THEN '预期性' WHEN 'binding' THEN '约束性' END", "attribute_zh", "预期性 or 约束性 | 指标属性（中文）"),
            col("i.direction", "direction", "higher_better, lower_better or target_band | 指标方向"),
            col("i.growth_model", "growth_model", "linear (moves in points) or compound (grows by a rate) | 增长模型"),
            col("pl.period_start_year", "plan_start_year", "First year of the plan period | 规划期起始年"),
            col("pl.target_year", "plan_target_year", "Target year of the plan | 规划目标年")),
        "silver.indicator i JOIN silver.plan pl ON i.plan_id = pl.plan_id"));
    views.add(view(spark, "dim_period",
        "Evaluation dates: one row per date the progress facts are evaluated at | 维度：评估时点",
        List.of(
            col("as_of", "as_of", "Evaluation date, the end of the period of the actuals | 评估时点"),
            col("year(as_of)", "year", "Calendar year | 年份"),
            col("quarter(as_of)", "quarter", "Calendar quarter 1-4 | 季度"),
            col("month(as_of)", "month", "Calendar month 1-12 | 月份"),
            col("month(as_of) = 12 AND day(as_of) = 31", "is_year_end", "True for 31 December: annual figures | 是否年末"),
            col("CASE WHEN month(as_of) = 12 AND day(as_of) = 31 THEN cast(year(as_of) AS STRING)"
                + " ELSE date_format(as_of, 'yyyy-MM') END", "period_label", "2022 for a year end, else 2023-06 | 时期标签"),
            col("CASE WHEN month(as_of) = 12 AND day(as_of) = 31 THEN concat(year(as_of), '年')"
                + " ELSE concat(year(as_of), '年', month(as_of), '月') END", "period_label_zh", "2022年, 2023年6月 | 时期标签（中文）"),
            col("as_of = max(as_of) OVER ()", "is_latest", "The latest evaluation date in the warehouse | 是否最新评估时点")),
        "(SELECT DISTINCT as_of FROM gold.indicator_progress WHERE as_of <= DATE'" + asOf + "')"));
    views.add(view(spark, "fact_progress",
        "Progress of every plan target at every evaluation date, percentages scaled for display (36.1 = 36.1%);"
            + " filter is_latest for the current picture | 事实：规划指标进展（百分比已换算，如36.1即36.1%；is_latest 取最新）",
        progressColumns(asOf),
        "gold.indicator_progress WHERE as_of <= DATE'" + asOf + "'"));
    if (spark.catalog().tableExists(COMPARISON_SOURCE)) {
      views.add(comparison(spark));
    } else {
      spark.sql("DROP VIEW IF EXISTS " + DATABASE + ".fact_comparison");
    }
    return views;
  }

  private static List<Column> progressColumns(LocalDate asOf) {
    TableSchema progress = Schemas.of("gold.indicator_progress");
    List<Column> c = new ArrayList<>();
    c.add(col("concat(plan_id, ':', indicator_code)", "indicator_key", "Plan and indicator, joins dim_indicator | 指标键"));
    c.add(same(progress, "plan_id"));
    c.add(col("region_code", "region_code", "Region, joins dim_region | 区划代码"));
    c.add(same(progress, "indicator_code"));
    c.add(col("as_of", "as_of", "Evaluation date, joins dim_period | 评估时点"));
    c.add(col("as_of = max(as_of) OVER (PARTITION BY plan_id, region_code, indicator_code)", "is_latest",
        "The latest evaluation of this target up to the run date (evaluations dated " + asOf + " or earlier) | 是否该指标最新评估"));
    c.add(col("region_name_en", "region_name", "Region name in English | 区划英文名称"));
    c.add(same(progress, "region_name_zh"));
    c.add(col("indicator_name_en", "indicator_name", "Indicator name in English | 指标英文名称"));
    c.add(same(progress, "indicator_name_zh"));
    c.add(same(progress, "unit"));
    c.add(same(progress, "evaluable"));
    c.add(same(progress, "not_evaluable_reason"));
    c.add(percent("achievement_rate", "achievement_percent",
        "Achievement (实现度) in percent: share of the planned change achieved, 36.1 = 36.1% | 实现度（%）"));
    c.add(percent("elapsed_share", "elapsed_time_percent", "Share of the plan period elapsed in percent, 40 = 2 of 5 years | 时间进度（%）"));
    c.add(col("round((achievement_rate - elapsed_share) * 100, 1)", "ahead_of_time_points",
        "Achievement minus elapsed time in percentage points; below -5 is rated slow | 实现度与时间进度之差（百分点，低于-5为偏慢）"));
    c.add(same(progress, "progress_status"));
    c.add(col("progress_status_en", "progress_status_en", "ahead of schedule, on schedule or behind schedule | 进度评价（英文）"));
    c.add(col("progress_status_zh", "progress_status_zh", "进度超前, 进度正常, 进度偏慢 | 进度评价"));
    c.add(same(progress, "target_met"));
    c.add(same(progress, "moving_away"));
    c.add(same(progress, "base_year"));
    c.add(same(progress, "base_value"));
    c.add(same(progress, "target_year"));
    c.add(same(progress, "target_value"));
    c.add(same(progress, "target_text"));
    c.add(same(progress, "actual_value"));
    c.add(same(progress, "gap_to_target"));
    c.add(percent("past_cagr", "past_annual_growth_percent", "Average annual growth since the base in percent (GDP 9.7) | 已实现年均增速（%）"));
    c.add(percent("planned_cagr", "planned_annual_growth_percent", "Annual growth the plan implies from base to target in percent | 规划年均增速（%）"));
    c.add(percent("required_cagr", "required_annual_growth_percent", "Annual growth needed in the years left in percent | 剩余年份所需年均增速（%）"));
    c.add(same(progress, "past_annual_increment"));
    c.add(same(progress, "planned_annual_increment"));
    c.add(same(progress, "required_annual_increment"));
    c.add(same(progress, "required_to_planned"));
    c.add(same(progress, "projected_end_value"));
    c.add(col("expected_attainment", "expected_attainment", "achieved, achievable or difficult in the target year | 目标年预期"));
    c.add(same(progress, "expected_attainment_zh"));
    return c;
  }

  private static final Pattern FRACTION = Pattern.compile(".*(_rate|_share|_cagr)$|^share_at_.*|^progress_lead$");

  /**
   * The district-against-city comparison as it is stored, its fractions (rates, shares, growth,
   * progress lead) followed by the same in percent. Built from the table's stored columns, so the view
   * follows the table as it grows.
   */
  private static String comparison(SparkSession spark) {
    List<Column> columns = new ArrayList<>();
    for (StructField f : spark.table(COMPARISON_SOURCE).schema().fields()) {
      String comment = f.getComment().isDefined() ? f.getComment().get() : f.name();
      columns.add(col("`" + f.name() + "`", f.name(), comment));
      if (f.dataType() instanceof DoubleType && FRACTION.matcher(f.name()).matches()) {
        String[] parts = comment.split("\\|", 2);
        String percentComment = parts[0].trim() + ", in percent | " + (parts.length > 1 ? parts[1].trim() : "") + "（%）";
        columns.add(percent(f.name(), f.name().replaceFirst("(_rate|_share)$", "") + "_percent", percentComment));
      }
    }
    return view(spark, "fact_comparison",
        "Each district beside its city, indicator by indicator and date, fractions also in percent | 事实：区县与全市逐项对比（比例另列百分比）",
        columns, COMPARISON_SOURCE);
  }

  record Column(String expression, String name, String comment) {}

  static Column col(String expression, String name, String comment) {
    return new Column(expression, name, comment);
  }

  /** A fraction shown in percent with one decimal, as the documents print it. */
  static Column percent(String fraction, String name, String comment) {
    return new Column("round(" + fraction + " * 100, 1)", name, comment);
  }

  /** A gold column passed through under its own name and comment. */
  private static Column same(TableSchema table, String name) {
    StructField f = table.field(name);
    return new Column(name, name, f.getComment().isDefined() ? f.getComment().get() : name);
  }

  private static String view(SparkSession spark, String name, String comment, List<Column> columns, String from) {
    String qualified = DATABASE + "." + name;
    Views.createOrReplace(spark, qualified,
        "(" + columns.stream().map(c -> "`" + c.name() + "` COMMENT " + quote(c.comment())).collect(Collectors.joining(", "))
            + ") COMMENT " + quote(comment),
        "SELECT " + columns.stream().map(c -> c.expression() + " AS `" + c.name() + "`").collect(Collectors.joining(", "))
            + " FROM " + from);
    return qualified;
  }

  static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
