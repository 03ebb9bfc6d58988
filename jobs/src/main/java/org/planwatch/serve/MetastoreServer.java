package org.planwatch.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.apache.derby.drda.NetworkServerControl;
import org.planwatch.ops.WarehouseLock;
import org.planwatch.spark.Warehouse;

/**
 * Shares a warehouse's embedded Derby metastore between processes while {@code planwatch serve} runs.
 *
 * <p>Embedded Derby lets one JVM open a database. The serving process therefore opens
 * {@code <warehouse>/metastore_db} itself inside a Derby network server on 127.0.0.1 and writes the
 * port to {@code <warehouse>/metastore-server.properties}. Every planwatch process of that warehouse
 * (the server's own Spark session included) then reaches the metastore as a Derby client, so a nightly
 * {@code run} or a {@code sql} started while the server is up works on the same names, comments and
 * views, and the server's next query sees what the run wrote. Without a serving process the file is
 * absent (or its port is dead) and processes open the database embedded, as before.
 */
public final class MetastoreServer implements AutoCloseable {
  public static final String ADDRESS_FILE = "metastore-server.properties";
  public static final String CLIENT_DRIVER = "org.apache.derby.jdbc.ClientDriver";
  private static final String LOOPBACK = "127.0.0.1";

  private final NetworkServerControl server;
  private final Path addressFile;
  private final int port;

  private MetastoreServer(NetworkServerControl server, Path addressFile, int port) {
    this.server = server;
    this.addressFile = addressFile;
    this.port = port;
  }

  /**
   * Starts the network server on 127.0.0.1 ({@code port} 0: a free port), opens the metastore
   * database through it (failing clearly when another process holds it embedded) and advertises it.
   */
  public static MetastoreServer start(Warehouse warehouse, int port) {
    if (!warehouse.isLocal()) {
      throw new IllegalArgumentException("the embedded metastore needs a local warehouse folder, not " + warehouse);
    }
    Path root = warehouse.localFolder();
    int chosen = port == 0 ? freePort() : port;
    System.setProperty("derby.stream.error.file", root.resolve("derby.log").toString());
    try {
      Files.createDirectories(root);
      NetworkServerControl server = new NetworkServerControl(InetAddress.getByName(LOOPBACK), chosen);
      // Started through the API, Derby installs no security manager (Java 17 has none to install).
      server.start(new PrintWriter(OutputStream.nullOutputStream()));
      waitUntilUp(server, chosen);
      String url = clientUrl(warehouse, chosen);
      try (Connection ignored = DriverManager.getConnection(url + ";create=true")) {
        // opened: the database is now booted by this process and served to the others
      } catch (SQLException e) {
        server.shutdown();
        throw new IllegalStateException("cannot open the metastore " + warehouse.metastoreDirectory()
            + ": another planwatch process (a run or sql) probably has it open; start serve when it ends ("
            + rootMessage(e) + ")", e);
      }
      Properties address = new Properties();
      address.setProperty("port", Integer.toString(chosen));
      address.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
      address.setProperty("host", WarehouseLock.hostName());
      Path file = AddressFile.write(warehouse, ADDRESS_FILE, address,
          "Derby network server of planwatch serve: the metastore of this warehouse", false);
      return new MetastoreServer(server, file, chosen);
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the Derby network server on " + LOOPBACK + ":" + chosen + ": " + rootMessage(e), e);
    }
  }

  /**
   * The Derby client URL of the warehouse's metastore when a serving process shares it (the address
   * file exists and its port answers), else empty: open it embedded.
   *
   * @throws IllegalStateException when a server on another machine sharing the folder holds it: its
   *     127.0.0.1 is not this machine's, and opening the database here as well would corrupt it
   */
  public static Optional<String> sharedClientUrl(Warehouse warehouse) {
    Optional<Properties> address = AddressFile.read(warehouse, ADDRESS_FILE);
    if (address.isEmpty()) {
      return Optional.empty();
    }
    String host = address.get().getProperty("host");
    if (host != null && !host.equals(WarehouseLock.hostName())) {
      throw new IllegalStateException("the metastore of " + warehouse + " is served by planwatch serve on " + host
          + " (pid " + address.get().getProperty("pid", "?") + "), which listens on that machine only: run this command there,"
          + " or with --metastore none (tables by location); if that server is gone, remove " + warehouse.localFolder().resolve(ADDRESS_FILE));
    }
    int port = Integer.parseInt(address.get().getProperty("port", "0"));
    if (port <= 0 || !answers(port)) {
      return Optional.empty(); // left behind by a server that was killed
    }
    return Optional.of(clientUrl(warehouse, port));
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(addressFile);
      server.shutdown();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the Derby network server: " + rootMessage(e), e);
    }
  }

  static String clientUrl(Warehouse warehouse, int port) {
    String dir = warehouse.metastoreDirectory().replaceFirst("^file:", "");
    return "jdbc:derby://" + LOOPBACK + ":" + port + "/" + dir;
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void waitUntilUp(NetworkServerControl server, int port) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        server.ping();
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the Derby network server did not come up on port " + port, last);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof SQLException sql && sql.getNextException() != null) {
      root = sql.getNextException();
    }
    return String.valueOf(root.getMessage()).replaceAll("\\s+", " ").trim();
  }

}
