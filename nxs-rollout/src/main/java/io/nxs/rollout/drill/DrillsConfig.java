package io.nxs.rollout.drill;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.nxs.core.config.ConfigSection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code drills:} section of {@code nxs.yaml} (SPEC RO5): which recovery drills the daemon runs
 * on its own, and how often. None by default.
 *
 * <pre>
 * drills:
 *   schedule:
 *     clean-start: 24h
 *     corruption: 7d
 * </pre>
 *
 * @param schedule drill name to the interval between two runs, at least {@value #MIN_MINUTES}
 *     minutes; the first run is one interval after the daemon started
 */
public record DrillsConfig(Map<String, Duration> schedule) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<DrillsConfig> SECTION =
      ConfigSection.of("drills", DrillsConfig.class, DrillsConfig::defaults);

  /** The shortest interval: a drill starts a whole daemon. */
  static final int MIN_MINUTES = 10;

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public DrillsConfig {
    schedule = schedule == null ? Map.of() : new LinkedHashMap<>(schedule);
    List<String> known = Drill.all().stream().map(Drill::name).toList();
    for (Map.Entry<String, Duration> e : schedule.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new IllegalArgumentException(
            "no drill '" + e.getKey() + "': the drills are " + String.join(", ", known));
      }
      if (e.getValue() == null || e.getValue().compareTo(Duration.ofMinutes(MIN_MINUTES)) < 0) {
        throw new IllegalArgumentException(
            "schedule."
                + e.getKey()
                + " must be at least "
                + MIN_MINUTES
                + "m (a drill starts a whole daemon), but was "
                + e.getValue());
      }
    }
    schedule = java.util.Collections.unmodifiableMap(schedule);
  }

  /** No drill on a schedule. */
  public static DrillsConfig defaults() {
    return new DrillsConfig(null);
  }
}
