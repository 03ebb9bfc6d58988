package org.planwatch.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * Spark's Thrift JDBC/ODBC server (the HiveServer2 protocol) over a planwatch session: BI tools and
 * beeline connect with {@code jdbc:hive2://host:port/default}. Each JDBC session gets its own Spark
 * session over the shared catalog, and every query reads the latest Delta version of its tables.
 */
public final class ThriftServer implements AutoCloseable {
  public static final String BIND_HOST = "hive.server2.thrift.bind.host";
  public static final String PORT = "hive.server2.thrift.port";

  private final HiveThriftServer2 server;
  private final String url;

  private ThriftServer(HiveThriftServer2 server, String url) {
    this.server = server;
    this.url = url;
  }

  /**
   * Starts the server on the {@link #BIND_HOST} and {@link #PORT} the session was created with. The
   * port is tried first: Hive's service exits the JVM when it cannot bind, so fail here instead.
   */
  public static ThriftServer start(SparkSession spark) {
    String host = spark.conf().get(BIND_HOST);
    int port = Integer.parseInt(spark.conf().get(PORT));
    ensureFree(host, port);
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    return new ThriftServer(server, "jdbc:hive2://" + host + ":" + port + "/default");
  }

  public String url() {
    return url;
  }

  static void ensureFree(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "): another server (a planwatch serve?) uses it; choose another --port", e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
