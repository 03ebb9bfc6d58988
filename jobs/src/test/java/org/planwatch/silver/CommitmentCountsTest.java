package org.planwatch.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.planwatch.testing.TestSpark;
import org.planwatch.testing.TestWarehouses;

/**
 * Every item of the three commitment lists is in silver.commitment once: counts per department and
 * year as printed (004 numbers its items 1.-5. per department; 002 and 003 group them in fives).
 */
class CommitmentCountsTest {
  private static SparkSession spark;

  @BeforeAll
  static void warehouse() {
    TestWarehouses.curated();
    spark = TestSpark.session();
  }

  @Test
  void list2022FromSeed004() {
    // 004: 14 departments, five items each except 市红十字会 with four (l.132-143)
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("湖州市科学技术协会", 5L);
    expected.put("湖州市文学艺术界联合会", 5L);
    expected.put("中国国际贸易促进委员会湖州市委员会", 5L);
    expected.put("湖州市残疾人联合会", 5L);
    expected.put("湖州市红十字会", 4L);
    expected.put("湖州市工商业联合会", 5L);
    expected.put("湖州市发展和改革委员会", 5L);
    expected.put("湖州市经济和信息化局", 5L);
    expected.put("湖州市财政局", 5L);
    expected.put("湖州市自然资源和规划局", 5L);
    expected.put("湖州市住房和城乡建设局", 5L);
    expected.put("湖州市交通运输局", 5L);
    expected.put("湖州市水利局", 5L);
    expected.put("湖州市农业农村局", 5L);
    assertEquals(new TreeMap<>(expected), counts(2022));
    assertEquals(69L, total(2022));
  }

  @Test
  void list2023FromSeed003() {
    // 003: 16 groups of five (departments inferred from content, see datasets/commitments/README.md)
    Map<String, Long> expected = new TreeMap<>();
    for (String department : List.of("湖州市商务局", "湖州市人民政府国有资产监督管理委员会", "湖州市人民政府金融工作办公室", "湖州市统计局", "湖州市区域合作办",
        "湖州市供销合作社联合社", "湖州市城市投资发展集团有限公司", "湖州市交通投资集团有限公司", "湖州市产业投资发展集团有限公司", "湖州银行股份有限公司",
        "湖州市教育局", "湖州市科学技术局", "湖州市民政局", "湖州市人力资源和社会保障局", "湖州市文化广电旅游局", "湖州市卫生健康委员会")) {
      expected.put(department, 5L);
    }
    assertEquals(expected, counts(2023));
    assertEquals(80L, total(2023));
  }

  @Test
  void list2024FromSeed002() {
    // 002: the same 14 departments as 004, five results each
    Map<String, Long> counts = counts(2024);
    assertEquals(14, counts.size());
    counts.forEach((department, n) -> assertEquals(5L, n, department));
    assertEquals(counts.keySet(), counts(2022).keySet());
    assertEquals(70L, total(2024));
  }

  @Test
  void itemsAreNumberedOneToNWithoutGapsAndNothingIsQuarantined() {
    List<Row> gaps = spark.sql("SELECT year, department_zh FROM silver.commitment GROUP BY year, department_zh"
        + " HAVING min(item_seq) <> 1 OR max(item_seq) <> count(*) OR count(DISTINCT item_seq) <> count(*)").collectAsList();
    assertEquals(List.of(), gaps);
    assertEquals(0L, spark.sql("SELECT * FROM silver.quarantine WHERE table_name IN ('commitment', 'commitment_link')").count());
  }

  private static Map<String, Long> counts(int year) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : spark.sql("SELECT department_zh, count(*) FROM silver.commitment WHERE year = " + year + " GROUP BY department_zh").collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  private static long total(int year) {
    return spark.sql("SELECT * FROM silver.commitment WHERE year = " + year).count();
  }
}
