package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.time.Instant;

/**
 * Where HOT, WARM and COLD end, as ages ({@code session.zones} in {@code nxs.yaml}); anything older
 * than {@code cold} is FROZEN.
 *
 * @param hot default 24h
 * @param warm default 7d; must be longer than {@code hot}
 * @param cold default 90d; must be longer than {@code warm}
 */
public record ZonePolicy(Duration hot, Duration warm, Duration cold) {

  /** 24 h, 7 d, 90 d (seed 003 §5). */
  public static final ZonePolicy DEFAULT =
      new ZonePolicy(Duration.ofHours(24), Duration.ofDays(7), Duration.ofDays(90));

  @JsonCreator
  static ZonePolicy fromYaml(
      @JsonProperty("hot") Duration hot,
      @JsonProperty("warm") Duration warm,
      @JsonProperty("cold") Duration cold) {
    return new ZonePolicy(
        hot == null ? DEFAULT.hot : hot,
        warm == null ? DEFAULT.warm : warm,
        cold == null ? DEFAULT.cold : cold);
  }

  public ZonePolicy {
    if (hot.isNegative() || hot.isZero()) {
      throw new IllegalArgumentException(
          "zones.hot must be positive, but was " + Durations.format(hot));
    }
    if (warm.compareTo(hot) <= 0) {
      throw new IllegalArgumentException(
          "zones.warm ("
              + Durations.format(warm)
              + ") must be longer than zones.hot ("
              + Durations.format(hot)
              + ")");
    }
    if (cold.compareTo(warm) <= 0) {
      throw new IllegalArgumentException(
          "zones.cold ("
              + Durations.format(cold)
              + ") must be longer than zones.warm ("
              + Durations.format(warm)
              + ")");
    }
  }

  /** The zone of something last active at {@code last}, seen at {@code now}. */
  public Zone classify(Instant last, Instant now) {
    Duration age = Duration.between(last, now);
    if (age.compareTo(hot) <= 0) {
      return Zone.HOT;
    }
    if (age.compareTo(warm) <= 0) {
      return Zone.WARM;
    }
    return age.compareTo(cold) <= 0 ? Zone.COLD : Zone.FROZEN;
  }

  /** The oldest instant still in the zone, for SQL range queries: {@code now - age}. */
  long since(Duration age, Instant now) {
    return now.minus(age).toEpochMilli();
  }
}
