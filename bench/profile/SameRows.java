import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Whether two builds computed the same rows: the Parquet files {@code StageLoop -Dstageloop.out=DIR} wrote
 * for each, compared as multisets, every column exactly.
 *
 * <pre>
 * java -Xmx4g @jobs/target/jvm-options.txt -cp "jobs/target/planwatch-jobs.jar:$(cat jobs/target/classpath.txt)" \
 *   bench/profile/SameRows.java DIR_A DIR_B
 * </pre>
 */
public class SameRows {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8").getOrCreate();
    Dataset<Row> a = spark.read().parquet(args[0]);
    Dataset<Row> b = spark.read().parquet(args[1]);
    long onlyA = a.exceptAll(b).count();
    long onlyB = b.exceptAll(a).count();
    System.out.printf("%s: %d rows, %s: %d rows; %d only in the first, %d only in the second%n", args[0], a.count(), args[1], b.count(),
        onlyA, onlyB);
    if (onlyA > 0) {
      a.exceptAll(b).show(5, false);
    }
    spark.stop();
    System.exit(onlyA + onlyB == 0 ? 0 : 1);
  }
}
