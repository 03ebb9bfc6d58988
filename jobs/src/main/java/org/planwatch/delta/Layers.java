package org.planwatch.delta;

/** The databases planwatch writes, one per stage of the data flow. */
public final class Layers {
  private Layers() {}

  public static String comment(String layer) {
    return switch (layer) {
      case "bronze" -> "Rows as read from datasets/, with file and line | 原始层：按原样读取的数据集行";
      case "silver" -> "Typed, validated and conformed tables | 清洗层：类型化、校验并统一口径的数据";
      case "gold" -> "Evaluations: achievement, progress, comparisons | 结果层：实现度、进度与比较";
      case "bi" -> "Views for BI tools: region, indicator and period dimensions, progress facts in percent | 分析层：供BI工具使用的维度与事实视图";
      case "ops" -> "Run log of the nightly job | 运维层：作业运行记录";
      default -> layer;
    };
  }
}
