package org.planwatch.pipeline;

import java.time.LocalDate;

/** What a run is asked to do. */
public record RunSettings(String datasetsRoot, LocalDate asOf, long maxQuarantined) {}
