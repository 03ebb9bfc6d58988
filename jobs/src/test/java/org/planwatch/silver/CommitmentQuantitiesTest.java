package org.planwatch.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;

/**
 * The quantity rules on real sentences of the commitment lists (seeds 002-004, as transcribed in
 * datasets/commitments). Each quantity is shown as
 * {@code field#seq role value unit bound label @position}, the position counting characters from 1.
 */
class CommitmentQuantitiesTest {
  private static final StructType COMMITMENT =
      StructType.fromDDL("year INT, department_zh STRING, item_seq INT, item_zh STRING, target_text STRING, result_text STRING");

  @Test
  void foreignCapitalTargetOf2023() {
    // 003 l.134-136, 湖州市商务局 item 1
    assertEquals(List.of(
            "target#1 target 16.0 亿美元 as_stated 实到外资 (foreign capital actually used) @57",
            "target#2 target 3.0 亿美元 as_stated 境外中方投资额 (outward investment by Chinese parties) @90"),
        quantities("有序扩大双向投资",
            "围绕推进“地瓜经济”提能升级“一号开放工程”，加大“引进来”“走出去”力度，全力招引高质量外资项目，全年实到外资16亿美元，"
                + "高技术产业实际利用外资占比高于全省平均；境外中方投资额3亿美元。",
            null));
  }

  @Test
  void completionRateOfTheYearlyTarget() {
    // 002 l.186-188, 湖州市发展和改革委员会 item 5: the date 12月26日 is no quantity
    assertEquals(List.of(
            "result#1 achieved 109.1 亿元 as_stated 轨道交通完成投资 (investment) @11",
            "result#2 completion_rate 136.4 % as_stated 完成年度目标的 (completion rate) @26"),
        quantities("打造“轨道上的长三角”重要节点枢纽", null,
            "全年轨道交通完成投资109.1亿元，完成年度目标的136.4%；“保开通”百日攻坚行动有序开展，开通仪式主会场活动顺利举行，12月26日沪苏湖高铁正式开通运营。"));
  }

  @Test
  void severalCompletionRatesInOneResult() {
    // 002 l.324-325, 湖州市残疾人联合会 item 4: "全市为704名" leaves no label once 全市 and 为 are dropped
    assertEquals(List.of(
            "result#1 achieved 704.0 名 as_stated null (null) @4",
            "result#2 completion_rate 142.0 % as_stated 完成率 (completion rate) @22",
            "result#3 achieved 439.0 名 as_stated null (null) @28",
            "result#4 completion_rate 129.0 % as_stated 完成率 (completion rate) @59"),
        quantities("助残共富残疾儿童康复关爱服务", null,
            "全市为704名残疾儿童提供康复服务，完成率142%。为439名有适应指征且有康复意愿的孤独症儿童提供康复服务，完成率129%"));
  }

  @Test
  void completionRateInBrackets() {
    // 002 l.243-244, 湖州市自然资源和规划局 item 2: the label of 168% starts inside the bracket
    assertEquals(List.of(
            "result#1 achieved 2.5 万亩 as_stated 取得新增建设用地指标 (construction land) @11",
            "result#2 completion_rate 168.0 % as_stated 任务的 (completion rate) @22",
            "result#3 achieved 2.3 万亩 as_stated 完成建设用地供应 (construction land) @36",
            "result#4 achieved 1.2 万亩 as_stated 工业用地 (null) @48"),
        quantities("要素保障助推经济高质量发展", null, "取得新增建设用地指标2.5万亩（年度任务的168%）；完成建设用地供应2.3万亩，其中工业用地1.2万亩。"));
  }

  @Test
  void sizeClassesAreThresholdsNotTargets() {
    // 003 l.140-143, 湖州市商务局 item 3: "3亿元以上项目300个" commits to 300 projects of 3亿元 or more
    assertEquals(List.of(
            "target#1 threshold 3.0 亿元 at_least 新引进固定资产投资 (fixed-asset investment) @46",
            "target#2 target 300.0 个 as_stated 项目 (projects) @53",
            "target#3 threshold 3.0 亿元 at_least 竣工固定资产投资 (fixed-asset investment) @70",
            "target#4 target 160.0 个 as_stated 项目 (projects) @81",
            "target#5 target 110.0 个 as_stated null (null) @86",
            "target#6 threshold 3.0 亿元 at_least 新引进八大新兴产业链 (null) @115",
            "target#7 target 60.0 % at_least 项目占引进工业项目比重 (projects) @132"),
        quantities("探索建立“一把手、一盘棋”招商新机制",
            "坚持招商引资（智）“一把手”工程不动摇，高效实施新体系新机制新打法，全年新引进固定资产投资3亿元以上项目300个，"
                + "新开工、竣工固定资产投资3亿元以上项目分别达到160个、110个。加强八大新兴产业链项目招引，新引进八大新兴产业链3亿元以上项目占引进工业项目比重达60%以上。",
            null));
  }

  @Test
  void boundsAtLeastAndAtMost() {
    // 003 l.497-500, 湖州市人力资源和社会保障局 item 4
    assertEquals(List.of(
            "target#1 target 400.0 场 at_least 举办班车招聘活动 (null) @9",
            "target#2 target 6.0 万人 at_least 新增城镇就业 (employment) @22",
            "target#3 target 4000.0 人 as_stated 帮扶困难人员就业 (employment) @36",
            "target#4 target 2.0 万人 as_stated 失业人员再就业 (employment) @49",
            "target#5 target 4.0 亿元 as_stated 发放创业担保贷款 (loans) @61",
            "target#6 target 50.0 家 as_stated 新建市级高质量就业社区（村） (employment) @79",
            "target#7 target 10.0 家 as_stated 新建标准化零工市场 (null) @92",
            "target#8 target 5.0 % at_most 城镇调查失业率 (null) @106"),
        quantities("实施“乐业湖州”班车提速行动",
            "举办班车招聘活动400场以上，新增城镇就业6万人以上，帮扶困难人员就业4000人，失业人员再就业2万人，发放创业担保贷款4亿元，"
                + "新建市级高质量就业社区（村）50家，新建标准化零工市场10家，城镇调查失业率控制在5%以内。",
            null));
  }

  @Test
  void moreThanAndMagnitudes() {
    // 002 l.333-336, 湖州市红十字会 item 2: 2.6万余人次 is "more than 2.6万人次"
    assertEquals(List.of(
            "result#1 achieved 26.0 个 as_stated 常态化实施尿毒症患者关爱计划等 (null) @29",
            "result#2 achieved 1912.19 万元 as_stated 筹集捐赠款物 (null) @70",
            "result#3 achieved 1703.51 万元 as_stated 救助支出 (null) @84",
            "result#4 achieved 2.6 万人次 at_least 惠及困难群众 (null) @100"),
        quantities("实施“博爱湖州”提增行动", null,
            "扩增“红十字博爱项目库”，常态化实施尿毒症患者关爱计划等26个博爱项目，建立全省首个外籍人士公益项目，积极开展网络筹资，"
                + "全年共筹集捐赠款物1912.19万元，救助支出1703.51万元，惠及困难群众2.6万余人次。"));
  }

  @Test
  void anItemWordedAsATarget() {
    // 004 l.235-238, 湖州市经济和信息化局 item 1: the item is the target, the target text describes measures
    assertEquals(List.of("item#1 target 8.5 % as_stated 规上工业增加值同比增长 (value added of industry above designated size) @14"),
        quantities("全年规上工业增加值同比增长8.5%，力争全省排名进入前五", "强化运行监测，加大纾困力度，创新服务举措，努力实现规上工业“V”型反弹。", null));
  }

  @Test
  void qualitativeCommitmentsHaveNoQuantities() {
    // 004 l.18-19 and 72-74, 湖州市科学技术协会 item 5; and Chinese numerals (003 l.445-446) are not read
    assertEquals(List.of(),
        quantities("学会“三服务”助力共富行动",
            "深化学会“三服务”，推动学会服务科技治理，承接政府转移职能，扩大学会服务面，强化学会服务力，强化同国家级、省级学会之间联动，建立“三服务”长效机制。",
            null));
    assertEquals(List.of(), quantities("打造“阳光身心”护航工程", "儿童青少年近视率同比下降一个百分点。", null));
  }

  private static List<String> quantities(String item, String target, String result) {
    SparkSession spark = TestSpark.session();
    Dataset<Row> commitment = spark.createDataFrame(List.of(RowFactory.create(2023, "测试部门", 1, item, target, result)), COMMITMENT);
    return CommitmentQuantities.extract(commitment)
        .orderBy("source_field", "quantity_seq")
        .collectAsList().stream()
        .map(r -> String.format("%s#%d %s %s %s %s %s (%s) @%d", r.getAs("source_field"), (Integer) r.getAs("quantity_seq"), r.getAs("role"),
            r.getAs("value"), r.getAs("unit"), r.getAs("bound"), r.getAs("label_zh"), r.getAs("label_en"), (Integer) r.getAs("char_position")))
        .toList();
  }
}
