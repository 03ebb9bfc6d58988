package org.planwatch.rules;

import java.util.Arrays;
import java.util.List;

/**
 * The controlled vocabularies of the datasets. Silver validation accepts exactly these codes and the
 * Delta CHECK constraints are generated from them, so a code is defined here once.
 */
public final class Vocabulary {
  private Vocabulary() {}

  /** An enum constant with a dataset code and a Chinese label. */
  public interface Coded {
    String code();

    String zh();
  }

  public static <E extends Enum<E> & Coded> List<String> codes(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Coded::code).toList();
  }

  public static <E extends Enum<E> & Coded> E fromCode(Class<E> type, String code) {
    for (E e : type.getEnumConstants()) {
      if (e.code().equals(code)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown " + type.getSimpleName() + " code: " + code);
  }

  /** Region level. */
  public enum RegionLevel implements Coded {
    PROVINCE("province", "省"),
    CITY("city", "市"),
    DISTRICT("district", "区"),
    COUNTY("county", "县");

    private final String code;
    private final String zh;

    RegionLevel(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** 指标属性: whether a target is a commitment of the government (binding) or a guide (expected). */
  public enum Attribute implements Coded {
    EXPECTED("expected", "预期性"),
    BINDING("binding", "约束性");

    private final String code;
    private final String zh;

    Attribute(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** Which way is better for an indicator. */
  public enum Direction implements Coded {
    HIGHER_BETTER("higher_better", "越高越好"),
    LOWER_BETTER("lower_better", "越低越好"),
    TARGET_BAND("target_band", "接近目标为好");

    private final String code;
    private final String zh;

    Direction(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /**
   * How an indicator moves: percentages, shares and per-capita ratios move in points (linear
   * increments); amounts, counts and concentrations grow by a rate (compound growth).
   */
  public enum GrowthModel implements Coded {
    LINEAR("linear", "线性（百分点）"),
    COMPOUND("compound", "复合增长");

    private final String code;
    private final String zh;

    GrowthModel(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /**
   * What a figure of the indicator measures. Only a {@code stock} (a level at a point in time) can
   * be compared with a year-end target on a sub-annual date; a half-year flow or average cannot.
   */
  public enum MeasureType implements Coded {
    STOCK("stock", "存量（时点）"),
    FLOW("flow", "流量（全年）"),
    PERIOD_AVERAGE("period_average", "时期平均"),
    GROWTH_RATE("growth_rate", "增速");

    private final String code;
    private final String zh;

    MeasureType(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** What kind of figure an observation is. */
  public enum ValueKind implements Coded {
    LEVEL("level", "数值"),
    GROWTH_RATE("growth_rate", "同比增长"),
    AVG_ANNUAL_GROWTH("avg_annual_growth", "年均增长"),
    CUMULATIVE("cumulative", "累计数"),
    CUMULATIVE_CHANGE("cumulative_change", "累计变动"),
    AVG_ANNUAL_INCREMENT("avg_annual_increment", "年均增量"),
    STATUS("status", "完成状态");

    private final String code;
    private final String zh;

    ValueKind(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** The statistical scope of an observation relative to the plan's. */
  public enum StatisticalScope implements Coded {
    AS_PUBLISHED("as_published", "按公布口径"),
    ORIGINAL("original", "原统计口径"),
    NEW("new", "新统计口径");

    private final String code;
    private final String zh;

    StatisticalScope(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** What the planned-growth cell of a plan row states. */
  public enum PlannedGrowthKind implements Coded {
    ANNUAL_GROWTH_RATE("annual_growth_rate", "年均增速"),
    ANNUAL_INCREMENT("annual_increment", "年均增量"),
    CUMULATIVE_INCREMENT("cumulative_increment", "累计增量"),
    CUMULATIVE_TOTAL("cumulative_total", "累计总量");

    private final String code;
    private final String zh;

    PlannedGrowthKind(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** Why a later document revised a plan's base or target. */
  public enum RevisionKind implements Coded {
    CENSUS_REBASE("census_rebase", "七普人口数据修正"),
    ESTIMATE_REPLACED_BY_ACTUAL("estimate_replaced_by_actual", "预估值改为实际值"),
    STATISTICAL_SCOPE_CHANGE("statistical_scope_change", "统计口径调整");

    private final String code;
    private final String zh;

    RevisionKind(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** Which field of a plan target a revision changes. */
  public enum RevisedField implements Coded {
    BASE_VALUE("base_value", "基期值"),
    TARGET_VALUE("target_value", "目标值");

    private final String code;
    private final String zh;

    RevisedField(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** A document's own progress rating. */
  public enum PublishedRating implements Coded {
    AHEAD("ahead", "进度超前"),
    NORMAL("normal", "进度正常"),
    SLOW("slow", "进度偏慢"),
    ESTIMATED_NORMAL("estimated_normal", "预估进度正常"),
    NOT_EVALUATED("not_evaluated", "未纳入评价");

    private final String code;
    private final String zh;

    PublishedRating(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** A document's expectation for the target year. */
  public enum PublishedExpectation implements Coded {
    ACHIEVABLE("achievable", "可以完成"),
    DIFFICULT("difficult", "存在难度"),
    ACHIEVED_EARLY("achieved_early", "提前实现"),
    ACHIEVED("achieved", "实现"),
    NOT_EVALUATED("not_evaluated", "未纳入评价");

    private final String code;
    private final String zh;

    PublishedExpectation(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** How a district indicator compares with its city counterpart. */
  public enum Comparability implements Coded {
    SAME_DEFINITION("same_definition", "口径一致"),
    SAME_CONCEPT_OTHER_UNIT("same_concept_other_unit", "概念相同单位不同"),
    DIFFERENT_SCOPE("different_scope", "统计范围不同"),
    NOT_COMPARABLE("not_comparable", "不可比"),
    NO_COUNTERPART("no_counterpart", "无对应指标");

    private final String code;
    private final String zh;

    Comparability(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** Which text of a commitment a quantity was found in. */
  public enum CommitmentField implements Coded {
    ITEM("item", "承诺事项"),
    TARGET("target", "年度目标"),
    RESULT("result", "完成情况");

    private final String code;
    private final String zh;

    CommitmentField(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** What a quantity of a commitment states: a target, an achieved figure, a stated completion rate, or a size class inside the description of what is counted (3亿元以上项目300个: 3亿元 is a threshold). */
  public enum QuantityRole implements Coded {
    TARGET("target", "目标值"),
    ACHIEVED("achieved", "完成值"),
    COMPLETION_RATE("completion_rate", "完成率"),
    THRESHOLD("threshold", "门槛值");

    private final String code;
    private final String zh;

    QuantityRole(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** How a quantity binds: as stated, at least (以上, 不少于, 超, 多/余), at most (以内, ≤, 控制在), or about (约, 左右). */
  public enum QuantityBound implements Coded {
    AS_STATED("as_stated", "按所述"),
    AT_LEAST("at_least", "不低于"),
    AT_MOST("at_most", "不高于"),
    ABOUT("about", "左右");

    private final String code;
    private final String zh;

    QuantityBound(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }

  /** How a commitment speaks to a plan indicator: the same measure (same definition and unit), a related measure (same subject, other definition, scope or period), or an action that contributes to it without a comparable figure. */
  public enum CommitmentLinkRelation implements Coded {
    SAME_MEASURE("same_measure", "同一指标口径"),
    RELATED_MEASURE("related_measure", "相关指标口径"),
    CONTRIBUTES("contributes", "促进该指标");

    private final String code;
    private final String zh;

    CommitmentLinkRelation(String code, String zh) {
      this.code = code;
      this.zh = zh;
    }

    @Override
    public String code() {
      return code;
    }

    @Override
    public String zh() {
      return zh;
    }
  }
}
