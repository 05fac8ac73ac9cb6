package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code doctor:} section of {@code nxs.yaml} (SPEC DR1-DR9).
 *
 * @param enabled whether the Doctor runs at all; default true
 * @param interval collection and evaluation period; default 60s, at least 1s, at most 1h
 * @param rulesDir an extra directory of rule files besides {@code rules/} in the home; optional
 * @param services probed services, each with an optional restart command
 * @param dependencies service dependency graph: {@code api: [nxs]} means api depends on nxs
 * @param openclaw the ready-made OpenClaw gateway supervision
 * @param network reachability and DNS targets
 * @param healing the healing ladder's limits and configured actions
 * @param notifications where incidents are sent (key {@code notify})
 * @param history how much sample history is kept
 * @param integrityPaths files (relative to the home, or absolute) watched for changed content;
 *     default {@code keys}
 */
public record DoctorConfig(
    boolean enabled,
    Duration interval,
    String rulesDir,
    List<ServiceConfig> services,
    Map<String, List<String>> dependencies,
    OpenClawConfig openclaw,
    NetworkConfig network,
    HealingConfig healing,
    NotifyConfig notifications,
    HistoryConfig history,
    List<String> integrityPaths) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<DoctorConfig> SECTION =
      ConfigSection.of("doctor", DoctorConfig.class, DoctorConfig::defaults);

  /** Binds the YAML section; absent keys take their defaults. */
  @JsonCreator
  public DoctorConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("interval") Duration interval,
      @JsonProperty("rules_dir") String rulesDir,
      @JsonProperty("services") List<ServiceConfig> services,
      @JsonProperty("dependencies") Map<String, List<String>> dependencies,
      @JsonProperty("openclaw") OpenClawConfig openclaw,
      @JsonProperty("network") NetworkConfig network,
      @JsonProperty("healing") HealingConfig healing,
      @JsonProperty("notify") NotifyConfig notify,
      @JsonProperty("history") HistoryConfig history,
      @JsonProperty("integrity_paths") List<String> integrityPaths) {
    this(
        enabled == null || enabled,
        interval == null ? Duration.ofSeconds(60) : interval,
        rulesDir,
        services == null ? List.of() : services,
        dependencies == null ? Map.of() : dependencies,
        openclaw == null ? OpenClawConfig.disabled() : openclaw,
        network == null ? new NetworkConfig(null, null, null) : network,
        healing == null ? HealingConfig.defaults() : healing,
        notify == null ? new NotifyConfig(null, null, null, null) : notify,
        history == null ? new HistoryConfig(null, null, null) : history,
        integrityPaths == null ? List.of("keys") : integrityPaths);
  }

  public DoctorConfig {
    if (interval.compareTo(Duration.ofSeconds(1)) < 0
        || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "interval must be in [1s, 1h], but was " + Durations.format(interval));
    }
    services = List.copyOf(services);
    Set<String> names = new HashSet<>();
    for (ServiceConfig s : services) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("service '" + s.name() + "' is listed twice");
      }
    }
    Map<String, List<String>> deps = new LinkedHashMap<>();
    dependencies.forEach((k, v) -> deps.put(k, v == null ? List.of() : List.copyOf(v)));
    for (ServiceConfig s : services) {
      if (!s.dependsOn().isEmpty()) {
        deps.merge(
            s.name(),
            s.dependsOn(),
            (a, b) -> {
              List<String> all = new java.util.ArrayList<>(a);
              b.stream().filter(x -> !a.contains(x)).forEach(all::add);
              return List.copyOf(all);
            });
      }
    }
    dependencies = Map.copyOf(deps);
    integrityPaths = List.copyOf(integrityPaths);
  }

  /** Every default: built-in rules, 60 s interval, no services. */
  public static DoctorConfig defaults() {
    return new DoctorConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The same configuration with another interval (tests, benchmarks). */
  public DoctorConfig withInterval(Duration newInterval) {
    return new DoctorConfig(
        enabled,
        newInterval,
        rulesDir,
        services,
        dependencies,
        openclaw,
        network,
        healing,
        notifications,
        history,
        integrityPaths);
  }
}
