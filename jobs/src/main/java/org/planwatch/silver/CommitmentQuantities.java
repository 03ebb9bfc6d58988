package org.planwatch.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_extract_all;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.planwatch.rules.Vocabulary.CommitmentField;
import org.planwatch.rules.Vocabulary.QuantityBound;
import org.planwatch.rules.Vocabulary.QuantityRole;
import org.planwatch.schema.Schemas;
import org.planwatch.schema.TableSchema;

/**
 * The numbers in the departments' commitment texts (部门承诺事项), as silver.commitment_quantity: one
 * row per number with a unit, with what it counts, whether it is a target, an achieved figure or a
 * stated completion rate, and where it stands in the text. The rules below are the whole method; they
 * were written against the 2022-2024 lists (seeds 002-004) and run on any later list unchanged.
 *
 * <p>A quantity is an Arabic number followed by a unit of {@link #UNITS} ("全年实到外资16亿美元": 16,
 * 亿美元). Its label is the text of its clause before it ({@link #CLAUSE_BREAKS}), or after the
 * previous quantity of the clause, cleaned by {@link #LABEL_CLEANUP} ("全年实到外资" -> "实到外资").
 * Numbers in Chinese characters (一个百分点, 百余名), years (2024年), dates (12月26日) and ordinals
 * (第5次) are not quantities. A text without any quantity is qualitative: it simply has no rows.
 */
public final class CommitmentQuantities {
  public static final TableSchema SCHEMA = Schemas.of("silver.commitment_quantity");

  /** The texts of a commitment that are searched, by column of silver.commitment. */
  static final List<String[]> FIELDS = List.of(
      new String[] {CommitmentField.ITEM.code(), "item_zh"},
      new String[] {CommitmentField.TARGET.code(), "target_text"},
      new String[] {CommitmentField.RESULT.code(), "result_text"});

  /** Punctuation that ends a clause: a label never reaches back across it. (Brackets do not: see LABEL_CLEANUP.) */
  static final String CLAUSE_BREAKS = "，。；：、！？,;:";

  /**
   * Units, written after the number. A magnitude 万 or 亿 may come first (万吨, 亿美元, 万人次) and is part
   * of the unit; 多/余 between them means "more than" (2600多人次, 2.6万余人次). Where one unit begins
   * another, the longer comes first (个百分点, 个工作日 before 个; 人次, 人份 before 人). Units absent here
   * (年, 月, 日, 届, 周年, 分钟, 强) make no quantity.
   */
  static final List<String> UNITS = List.of(
      "个百分点", "%", "‰",
      "美元", "元",
      "吨标煤", "吨", "斤",
      "平方公里", "公里", "平方米", "立方米", "亩",
      "标箱", "TEU", "MWH",
      "人次", "人份", "人", "名", "位",
      "个工作日", "个", "家次", "家", "项", "场次", "场", "次", "期", "件", "宗", "台", "辆", "艘", "座", "所", "幢", "户",
      "套", "篇", "份", "头", "例", "剂次", "种", "支", "条", "处", "字");

  /** A number, not inside another number and not an ordinal (第5次). */
  static final String NUMBER = "(?<![第0-9.])([0-9]+(?:\\.[0-9]+)?)";

  /**
   * One quantity with the words before it. Groups: 1 label as printed, 2 number, 3 magnitude, 4 多/余,
   * 5 unit, 6 a bare magnitude ("最低生活保障年标准提高到1.3万以上"), 7 以上/以内/以下/左右.
   */
  static final String QUANTITY =
      "([^" + CLAUSE_BREAKS + "]*?)" + NUMBER + "\\s*(?:(万|亿)?(多|余)?(" + String.join("|", UNITS) + ")|(万|亿))(以上|以内|以下|左右)?";

  /** Words before a number that only say when, where or how firmly, not what is counted. */
  static final String LEADING_WORDS =
      "全年|年内|年度|年末|年底|到年底|全市|全省|全系统|力争|确保|争取|努力|累计|其中|共有|共|并|已|到"
          + "|[0-9]{4}年(?:底|度)?|[0-9]+-[0-9]+月|前三季度";

  /** Verbs that tie the label to the number (达到, 突破, 不少于 ...): they end up in the bound, not the label. */
  static final String LINKING_WORDS = "≤|≥|分别达到|分别|达到|达|突破|超过|超|不少于|至少|提高到|提升至|提升到|增至|缩小至|控制在|保持|约|近|为|至|累计|共";

  /** Label cleanup, applied in this order: {pattern, replacement, why}. */
  static final List<String[]> LABEL_CLEANUP = List.of(
      new String[] {"[“”‘’\"《》「」]", "", "quotation and title marks are not part of a name"},
      new String[] {"^.*（(?=[^）]*$)", "", "a bracket opened and not closed before the number: the label starts inside it (（年度任务的168%）)"},
      new String[] {"^[^（]*）", "", "a bracket closed that opened before the clause: drop its end (遗体、组织）捐献志愿者)"},
      new String[] {"^\\s+|\\s+$", "", "spaces around the label"},
      new String[] {"^(?:" + LEADING_WORDS + ")+", "", "time, scope and intent words (全年, 全市, 力争, 2023年底)"},
      new String[] {"(?:" + LINKING_WORDS + ")+$", "", "the verb linking label and number (达到, 突破, 不少于)"},
      new String[] {"[0-9.]+[-—～~]$", "", "the lower end of a range (10-50万元)"});

  /** Label endings that make a percentage a completion rate (完成率120%, 完成年度目标的136.4%, 年度任务的168%). */
  static final String COMPLETION_RATE_LABEL = "(完成率|(目标|任务|计划)的)$";

  /**
   * A quantity with 以上 followed, before the clause ends, by another number is a size class inside the
   * description of what is counted (新引进固定资产投资3亿元以上项目300个), not a figure committed to.
   */
  static final String THRESHOLD_FOLLOWER = "^的?[^" + CLAUSE_BREAKS + "（）]*[0-9]";

  /** Printed bounds (the number is a minimum, a maximum or approximate), tested on the label as printed. */
  static final String AT_MOST_WORDS = "(≤|不超过|不高于|控制在)\\s*$";
  static final String AT_LEAST_WORDS = "(≥|不少于|不低于|至少|突破|超过|超)\\s*$";
  static final String ABOUT_WORDS = "(约|近)\\s*$";

  /**
   * English glosses of what is counted, for readers without Chinese: the first term found in the label
   * wins, so specific terms come before general ones. A label without a known term has no gloss.
   */
  static final List<String[]> LABEL_GLOSSARY = List.of(
      new String[] {"完成率|(目标|任务|计划)的$", "completion rate"},
      new String[] {"实到外资|实际利用外资|实际使用外资", "foreign capital actually used"},
      new String[] {"境外中方投资", "outward investment by Chinese parties"},
      new String[] {"固定资产投资|固投", "fixed-asset investment"},
      new String[] {"一般公共预算收入", "general public budget revenue"},
      new String[] {"单位GDP能耗", "energy use per unit of GDP"},
      new String[] {"单位工业增加值能耗", "energy use per unit of industrial value added"},
      new String[] {"数字经济", "digital economy"},
      new String[] {"规上工业增加值", "value added of industry above designated size"},
      new String[] {"森林蓄积量", "forest stock volume"},
      new String[] {"粮食|稻谷", "grain"},
      new String[] {"基本养老保险参保人数", "persons covered by basic pension insurance"},
      new String[] {"托位", "childcare places"},
      new String[] {"残疾", "persons with disabilities"},
      new String[] {"就业", "employment"},
      new String[] {"培训", "training"},
      new String[] {"贷款", "loans"},
      new String[] {"债", "government bonds"},
      new String[] {"营收|营业收入|销售额|交易额", "revenue or sales"},
      new String[] {"利润|创利", "profit"},
      new String[] {"税", "taxes"},
      new String[] {"资产", "assets"},
      new String[] {"耕地|农田", "farmland"},
      new String[] {"建设用地", "construction land"},
      new String[] {"吞吐量", "port throughput"},
      new String[] {"公路|绿道|航道", "roads"},
      new String[] {"投资", "investment"},
      new String[] {"项目", "projects"},
      new String[] {"企业", "enterprises"});

  private CommitmentQuantities() {}

  /** @param commitments silver.commitment rows */
  public static Dataset<Row> extract(Dataset<Row> commitments) {
    List<Column> texts = new ArrayList<>();
    for (String[] f : FIELDS) {
      texts.add(struct(lit(f[0]).as("source_field"), col(f[1]).as("source_text")));
    }
    Dataset<Row> fields =
        commitments
            .select(col("year"), col("department_zh"), col("item_seq"), explode(array(texts.toArray(Column[]::new))).as("t"))
            .select(col("year"), col("department_zh"), col("item_seq"), col("t.source_field"), col("t.source_text"))
            .where(col("source_text").isNotNull());
    Dataset<Row> matches =
        fields
            .withColumn("_matches", regexp_extract_all(col("source_text"), lit(QUANTITY), lit(0)))
            .withColumn("_pieces", split(col("source_text"), QUANTITY, -1))
            .select(col("*"), posexplode(col("_matches")).as(new String[] {"_i", "_match"}));
    // Where a match starts: the text between the matches (split) plus the matches before it.
    Column start = expr("aggregate(slice(_pieces, 1, _i + 1), 0, (a, x) -> a + length(x))"
        + " + aggregate(slice(_matches, 1, _i), 0, (a, x) -> a + length(x))");
    String whole = "^" + QUANTITY + "$";
    Dataset<Row> parts =
        matches
            .withColumn("_start", start)
            .withColumn("_label_printed", regexp_extract(col("_match"), whole, 1))
            .withColumn("_number", regexp_extract(col("_match"), whole, 2))
            .withColumn("_magnitude", regexp_extract(col("_match"), whole, 3))
            .withColumn("_more", regexp_extract(col("_match"), whole, 4))
            .withColumn("_unit", regexp_extract(col("_match"), whole, 5))
            .withColumn("_bare_magnitude", regexp_extract(col("_match"), whole, 6))
            .withColumn("_suffix", regexp_extract(col("_match"), whole, 7))
            .withColumn("_after", expr("substring(source_text, _start + length(_match) + 1)"));
    Column label = cleanLabel(col("_label_printed"));
    Column unit = when(col("_bare_magnitude").notEqual(""), col("_bare_magnitude")).otherwise(concat(col("_magnitude"), col("_unit")));
    return parts
        .withColumn("label_zh", label)
        .withColumn("unit", unit)
        .select(
            col("year"),
            col("department_zh"),
            col("item_seq"),
            col("source_field"),
            col("_i").plus(1).as("quantity_seq"),
            col("_start").plus(length(col("_label_printed"))).plus(1).as("char_position"),
            role(col("source_field"), col("label_zh"), col("unit"), col("_suffix"), col("_after")).as("role"),
            col("_number").cast("double").as("value"),
            col("unit"),
            bound(col("_label_printed"), col("_more"), col("_suffix")).as("bound"),
            col("label_zh"),
            gloss(col("label_zh")).as("label_en"),
            col("_match").as("matched_text"),
            col("source_text"))
        .select(SCHEMA.columnNames().stream().map(c -> col(c).cast(SCHEMA.field(c).dataType()).as(c)).toArray(Column[]::new));
  }

  static Column cleanLabel(Column printed) {
    Column label = printed;
    for (String[] rule : LABEL_CLEANUP) {
      label = regexp_replace(label, rule[0], rule[1]);
    }
    return when(label.equalTo(""), lit(null).cast("string")).otherwise(label);
  }

  static Column role(Column field, Column label, Column unit, Column suffix, Column after) {
    Column byField = when(field.equalTo(CommitmentField.RESULT.code()), lit(QuantityRole.ACHIEVED.code())).otherwise(lit(QuantityRole.TARGET.code()));
    return when(suffix.equalTo("以上").and(after.rlike(THRESHOLD_FOLLOWER)), lit(QuantityRole.THRESHOLD.code()))
        .when(unit.equalTo("%").and(coalesce(label, lit("")).rlike(COMPLETION_RATE_LABEL)), lit(QuantityRole.COMPLETION_RATE.code()))
        .otherwise(byField);
  }

  static Column bound(Column printedLabel, Column more, Column suffix) {
    return when(suffix.isin("以内", "以下").or(printedLabel.rlike(AT_MOST_WORDS)), lit(QuantityBound.AT_MOST.code()))
        .when(suffix.equalTo("以上").or(more.notEqual("")).or(printedLabel.rlike(AT_LEAST_WORDS)), lit(QuantityBound.AT_LEAST.code()))
        .when(suffix.equalTo("左右").or(printedLabel.rlike(ABOUT_WORDS)), lit(QuantityBound.ABOUT.code()))
        .otherwise(lit(QuantityBound.AS_STATED.code()));
  }

  static Column gloss(Column label) {
    Column gloss = lit(null).cast("string");
    for (int i = LABEL_GLOSSARY.size() - 1; i >= 0; i--) {
      String[] entry = LABEL_GLOSSARY.get(i);
      gloss = when(label.rlike(entry[0]), lit(entry[1])).otherwise(gloss);
    }
    return gloss;
  }
}
