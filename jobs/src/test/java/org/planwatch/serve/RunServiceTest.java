package org.planwatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.planwatch.spark.CodeVersion;
import org.planwatch.spark.Warehouse;

/**
 * How {@code planwatch run} hands a run to the process serving its warehouse, and runs it itself when
 * none does or the server declines. The handler here stands in for the nightly job (ServeEndToEndTest
 * runs the real one in a real server).
 */
class RunServiceTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void aServedRunPrintsTheServersOutputAndExitsWithItsCode(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    RunService.Handler handler = (request, stdout, stderr, clientGone) -> {
      stdout.println("planwatch run as of " + request.get("as_of") + " 实现度");
      stderr.println("planwatch: 3 rows quarantined");
      return 4;
    };
    try (RunService service = RunService.start(warehouse, handler)) {
      Path address = dir.resolve(RunService.ADDRESS_FILE);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(address)),
          "the token is for whoever may write the warehouse");
      OptionalInt exit = delegate(warehouse, Map.of("as_of", "2023-12-31"));
      assertEquals(OptionalInt.of(4), exit);
      assertEquals("planwatch run as of 2023-12-31 实现度\n", out.toString(StandardCharsets.UTF_8));
      assertEquals("planwatch: 3 rows quarantined\n", err.toString(StandardCharsets.UTF_8));
    }
    assertFalse(Files.exists(dir.resolve(RunService.ADDRESS_FILE)), "a closed service withdraws its address");
    assertEquals(OptionalInt.empty(), delegate(warehouse, Map.of("as_of", "2023-12-31")), "no server: run here");
  }

  @Test
  void aDeclinedRunSaysWhyAndRunsHere(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    try (RunService ignored = RunService.start(warehouse, (request, stdout, stderr, clientGone) -> {
      throw new RunService.Declined("it runs with other settings: {planwatch.rating.band=0.05 here, (not given) in the server}");
    })) {
      assertEquals(OptionalInt.empty(), delegate(warehouse, Map.of()));
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("does not take this run: it runs with other settings:"
          + " {planwatch.rating.band=0.05 here, (not given) in the server}; running it in this process"), err.toString(StandardCharsets.UTF_8));
      assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aClientWithoutTheTokenIsRefused(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    try (RunService ignored = RunService.start(warehouse, (request, stdout, stderr, clientGone) -> 0)) {
      Path address = dir.resolve(RunService.ADDRESS_FILE);
      String text = Files.readString(address);
      for (String wrong : new String[] {"00", "not hex"}) {
        Files.writeString(address, text.replaceAll("token=\\w+", "token=" + wrong));
        err.reset();
        assertEquals(OptionalInt.empty(), delegate(warehouse, Map.of()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("wrong token"), err.toString(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void aServerOnAnotherMachineSharingTheFolderIsNotAsked(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    try (RunService ignored = RunService.start(warehouse, (request, stdout, stderr, clientGone) -> 0)) {
      Path address = dir.resolve(RunService.ADDRESS_FILE);
      Files.writeString(address, Files.readString(address).replaceAll("host=.*", "host=etl-2"));
      assertEquals(OptionalInt.empty(), delegate(warehouse, Map.of()));
      assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void anAddressLeftByAKilledServerIsIgnored(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    int deadPort = MetastoreServer.freePort();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(dir.resolve(RunService.ADDRESS_FILE), "port=" + deadPort + "\npid=1\nhost=" + host + "\ntoken=00\n");
    assertEquals(OptionalInt.empty(), delegate(warehouse, Map.of()));
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aServerThatStopsDuringTheRunIsAnError(@TempDir Path dir) {
    Warehouse warehouse = Warehouse.at(dir.toString());
    try (RunService ignored = RunService.start(warehouse, (request, stdout, stderr, clientGone) -> {
      stdout.println("silver.observation ...");
      throw new IllegalStateException("SparkContext was shut down");
    })) {
      IOException e = assertThrows(IOException.class, () -> delegate(warehouse, Map.of()));
      assertTrue(e.getMessage().contains("ended the connection before the run finished"), e.getMessage());
      assertEquals("silver.observation ...\n", out.toString(StandardCharsets.UTF_8), "what came before the end is shown");
    }
  }

  @Test
  void aRunWhoseClientGoesAwayIsToldSo(@TempDir Path dir) throws Exception {
    Warehouse warehouse = Warehouse.at(dir.toString());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    try (RunService ignored = RunService.start(warehouse, (request, stdout, stderr, clientGone) -> {
      clientGone.onGone(stopped::countDown);
      started.countDown();
      try {
        return stopped.await(30, TimeUnit.SECONDS) ? 1 : 0;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    })) {
      // What `planwatch run` sends, then the user's Ctrl-C: the connection closes before the answer.
      Properties address = new Properties();
      address.load(Files.newBufferedReader(dir.resolve(RunService.ADDRESS_FILE)));
      try (Socket client = new Socket("127.0.0.1", Integer.parseInt(address.getProperty("port")))) {
        Properties request = new Properties();
        request.setProperty("token", address.getProperty("token"));
        request.setProperty("code", CodeVersion.digest());
        request.setProperty("as_of", "2023-12-31");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        request.store(body, null);
        DataOutputStream toServer = new DataOutputStream(client.getOutputStream());
        toServer.writeByte('r');
        toServer.writeInt(body.size());
        toServer.write(body.toByteArray());
        toServer.flush();
        assertTrue(started.await(30, TimeUnit.SECONDS), "the run started");
      }
      assertTrue(stopped.await(30, TimeUnit.SECONDS), "the run was told its client went away");
    }
  }

  private OptionalInt delegate(Warehouse warehouse, Map<String, String> request) throws IOException {
    return RunService.delegate(warehouse, request, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
