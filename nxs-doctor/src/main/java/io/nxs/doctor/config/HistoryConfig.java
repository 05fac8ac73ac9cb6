package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.time.Duration;

/**
 * {@code doctor.history}: how samples are kept.
 *
 * @param liveWindow raw samples kept in memory per series; default 1h (regression window)
 * @param retention how long hourly history stays in SQLite; default 8d (a 7-day baseline plus one)
 * @param maxSeries at most this many series; new ones beyond it are dropped and counted; default
 *     20000
 */
public record HistoryConfig(Duration liveWindow, Duration retention, int maxSeries) {

  @JsonCreator
  public HistoryConfig(
      @JsonProperty("live_window") Duration liveWindow,
      @JsonProperty("retention") Duration retention,
      @JsonProperty("max_series") Integer maxSeries) {
    this(
        liveWindow == null ? Duration.ofHours(1) : liveWindow,
        retention == null ? Duration.ofDays(8) : retention,
        maxSeries == null ? 20_000 : maxSeries);
  }

  public HistoryConfig {
    if (liveWindow.compareTo(Duration.ofMinutes(5)) < 0
        || liveWindow.compareTo(Duration.ofHours(6)) > 0) {
      throw new IllegalArgumentException(
          "live_window must be in [5m, 6h], but was " + Durations.format(liveWindow));
    }
    if (retention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException(
          "retention must be at least 1d, but was " + Durations.format(retention));
    }
    if (maxSeries < 1) {
      throw new IllegalArgumentException("max_series must be positive, but was " + maxSeries);
    }
  }
}
