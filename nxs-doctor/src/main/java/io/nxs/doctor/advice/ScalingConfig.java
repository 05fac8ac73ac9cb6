package io.nxs.doctor.advice;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.time.Duration;

/**
 * The optional {@code scaling:} section (SPEC DR10): the bounds of the scale signals and the
 * command that receives them.
 *
 * <pre>
 * scaling:
 *   min_instances: 2        # never advise fewer (redundancy)
 *   max_instances: 10       # never advise more (cost ceiling)
 *   hook: /usr/local/bin/nxs-scale   # optional; gets NXS_SCALE_* in its environment
 *   hook_timeout: 30s
 * </pre>
 *
 * @param minInstances the fewest instances a signal advises; default 2
 * @param maxInstances the most instances a signal advises; default 10
 * @param hook a shell command run on every signal, or empty for none
 * @param hookTimeout how long the hook may run; default 30s
 */
public record ScalingConfig(int minInstances, int maxInstances, String hook, Duration hookTimeout) {

  public static final ConfigSection<ScalingConfig> SECTION =
      ConfigSection.of("scaling", ScalingConfig.class, ScalingConfig::defaults);

  @JsonCreator
  public ScalingConfig(
      @JsonProperty("min_instances") Integer minInstances,
      @JsonProperty("max_instances") Integer maxInstances,
      @JsonProperty("hook") String hook,
      @JsonProperty("hook_timeout") Duration hookTimeout) {
    this(
        minInstances == null ? 2 : minInstances,
        maxInstances == null ? 10 : maxInstances,
        hook == null ? "" : hook.strip(),
        hookTimeout == null ? Duration.ofSeconds(30) : hookTimeout);
  }

  public ScalingConfig {
    if (minInstances < 1) {
      throw new IllegalArgumentException(
          "min_instances must be at least 1, but was " + minInstances);
    }
    if (maxInstances < minInstances) {
      throw new IllegalArgumentException(
          "max_instances must be at least min_instances ("
              + minInstances
              + "), but was "
              + maxInstances);
    }
    if (hookTimeout.isNegative()
        || hookTimeout.isZero()
        || hookTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "hook_timeout must be in (0s, 10m], but was " + hookTimeout.toSeconds() + "s");
    }
  }

  /** The defaults: 2 to 10 instances, no hook. */
  public static ScalingConfig defaults() {
    return new ScalingConfig(null, null, null, null);
  }
}
