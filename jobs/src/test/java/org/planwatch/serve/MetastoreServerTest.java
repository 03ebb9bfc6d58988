package org.planwatch.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.planwatch.ops.WarehouseLock;
import org.planwatch.spark.Warehouse;

/**
 * Which metastore a planwatch process opens beside {@code planwatch serve}: the served one (a Derby
 * client on 127.0.0.1), its own embedded one when no server holds it, and none when a server on
 * another machine sharing the folder holds it.
 */
class MetastoreServerTest {
  @Test
  void aServerOnAnotherMachineSharingTheFolderStopsTheCommandWithWhatToDo(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    Files.writeString(dir.resolve(MetastoreServer.ADDRESS_FILE), "port=1527\npid=4242\nhost=etl-2\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> MetastoreServer.sharedClientUrl(warehouse));
    assertTrue(e.getMessage().startsWith("the metastore of " + warehouse + " is served by planwatch serve on etl-2 (pid 4242)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("run this command there, or with --metastore none"), e.getMessage());
  }

  @Test
  void anAddressLeftByAKilledServerOnThisMachineIsIgnored(@TempDir Path dir) throws IOException {
    Warehouse warehouse = Warehouse.at(dir.toString());
    int deadPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      deadPort = probe.getLocalPort();
    }
    Files.writeString(dir.resolve(MetastoreServer.ADDRESS_FILE),
        "port=" + deadPort + "\npid=4242\nhost=" + WarehouseLock.hostName() + "\n");
    assertEquals(Optional.empty(), MetastoreServer.sharedClientUrl(warehouse));
  }
}
