package org.planwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which runs {@code planwatch serve} takes: one whose results would differ in the server (another rating
 * band, another time zone) or that asks for other Spark settings runs in its own process instead. How
 * the client's launcher chose to compile (no code generation over small data) goes with the run.
 */
class ServedRunSettingsTest {
  /** What `planwatch serve --password-file users --conf planwatch.rating.band=0.05` leaves the run service to compare. */
  private static final Map<String, String> SERVER = Map.of(
      "planwatch.rating.band", "0.05",
      "hive.server2.authentication", "CUSTOM");

  @Test
  void aRunWithTheServersResultSettingsIsTaken() {
    assertEquals(Map.of(), RunCommand.differentSettings(SERVER, Map.of("planwatch.rating.band", "0.05")));
  }

  @Test
  void aRunWithoutTheServersRatingBandIsNotTaken() {
    assertEquals(Map.of("planwatch.rating.band", "(not given) here, 0.05 in the server"),
        RunCommand.differentSettings(SERVER, Map.of()));
  }

  @Test
  void aRunAskingForOtherSparkSettingsIsNotTaken() {
    assertEquals(Map.of("spark.sql.shuffle.partitions", "8 here, (not given) in the server"),
        RunCommand.differentSettings(SERVER, Map.of("planwatch.rating.band", "0.05", "spark.sql.shuffle.partitions", "8")));
  }

  @Test
  void settingsOnlyAServerHasDoNotCount() {
    assertEquals(Map.of(), RunCommand.differentSettings(Map.of("hive.server2.authentication", "CUSTOM"), Map.of()));
  }

  @Test
  void theClientsWayOfCompilingGoesWithTheRunAndIsNotASettingThatDiffers() {
    RunCommand.RunRequest request = new RunCommand.RunRequest("r1", java.time.LocalDate.of(2024, 1, 2), "/data/datasets", -1, false,
        0, org.planwatch.spark.MetastoreMode.EMBEDDED, Map.of(),
        Map.of("spark.sql.codegen.wholeStage", "false", "spark.sql.codegen.factoryMode", "NO_CODEGEN"));
    Map<String, String> fields = new java.util.HashMap<>(request.fields());
    // Only the settings of how plans compile are taken from a request, whatever else a client sends.
    fields.put("compiling.spark.sql.shuffle.partitions", "1");
    RunCommand.RunRequest served = RunCommand.RunRequest.of(fields);
    assertEquals(request.compiling(), served.compiling());
    // Not a --conf of the run: a server without them takes it.
    assertEquals(Map.of(), served.conf());
    assertEquals(Map.of(), RunCommand.differentSettings(Map.of(), served.conf()));
  }

  @Test
  void aJvmStartedWithoutTheQuickModeForwardsNothing() {
    // Surefire's JVM: the launcher's -D options are not there.
    assertEquals(Map.of(), RunCommand.compilingOfThisJvm());
  }
}
