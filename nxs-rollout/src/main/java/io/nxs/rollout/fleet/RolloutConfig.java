package io.nxs.rollout.fleet;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.time.Duration;

/**
 * The {@code rollout:} section of {@code nxs.yaml} (SPEC RO4): how long each step of a staged
 * rollout over the fleet is watched, what the judge tolerates, and where releases are installed.
 *
 * @param canary watch after the first instance, default 30 min
 * @param quarter watch after 25 % of the fleet, default 2 h
 * @param threeQuarters watch after 75 %, default 4 h
 * @param full watch after the whole fleet (the primary last), default 24 h
 * @param tick how often each instance reports and the coordinator decides, default 2 s
 * @param installTimeout how long a step may take to install before it counts as failed, default 10
 *     min
 * @param installDir the install root holding {@code nxs-VERSION/} and {@code current}; empty means
 *     the running release's root (the parent of {@code -Dnxs.install.dir})
 * @param smokeTimeout how long the new build's {@code bin/nxs --version} may take, default 2 min
 * @param limits what the judge tolerates
 */
public record RolloutConfig(
    Duration canary,
    Duration quarter,
    @JsonProperty("three_quarters") Duration threeQuarters,
    Duration full,
    Duration tick,
    @JsonProperty("install_timeout") Duration installTimeout,
    @JsonProperty("install_dir") String installDir,
    @JsonProperty("smoke_timeout") Duration smokeTimeout,
    Judge.Limits limits) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<RolloutConfig> SECTION =
      ConfigSection.of("rollout", RolloutConfig.class, RolloutConfig::defaults);

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public RolloutConfig {
    canary = positive(canary, Duration.ofMinutes(30), "canary");
    quarter = positive(quarter, Duration.ofHours(2), "quarter");
    threeQuarters = positive(threeQuarters, Duration.ofHours(4), "three_quarters");
    full = positive(full, Duration.ofHours(24), "full");
    tick = positive(tick, Duration.ofSeconds(2), "tick");
    installTimeout = positive(installTimeout, Duration.ofMinutes(10), "install_timeout");
    installDir = installDir == null ? "" : installDir.strip();
    smokeTimeout = positive(smokeTimeout, Duration.ofMinutes(2), "smoke_timeout");
    limits = limits == null ? Judge.Limits.defaults() : limits;
  }

  /** Every default. */
  public static RolloutConfig defaults() {
    return new RolloutConfig(null, null, null, null, null, null, null, null, null);
  }

  /** The watch after a step. */
  public Duration watch(Waves.Step step) {
    return switch (step) {
      case CANARY -> canary;
      case QUARTER -> quarter;
      case THREE_QUARTERS -> threeQuarters;
      case FULL -> full;
    };
  }

  private static Duration positive(Duration value, Duration fallback, String name) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, but was " + value);
    }
    return value;
  }
}
