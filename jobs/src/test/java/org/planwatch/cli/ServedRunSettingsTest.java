package org.planwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which runs {@code planwatch serve} takes: one whose results would differ in the server (another rating
 * band, another time zone) or that asks for other Spark settings runs in its own process instead.
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
}
