package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code doctor.openclaw}: whether the Doctor supervises OpenClaw's gateway. Where OpenClaw lives —
 * its home, CLI and gateway URL — is the core {@code openclaw:} section, shared by every module.
 *
 * @param enabled whether to probe, restart and lint it; default false
 * @param startTimeout how long a restart waits for the gateway's {@code /healthz} (40-150 s on a
 *     busy 2-core machine); default 3m
 * @param readyUrl deprecated: {@code openclaw.gateway_url}; when set, its scheme and authority are
 *     the gateway's base URL
 * @param command deprecated: {@code openclaw.command}
 */
public record OpenClawConfig(
    boolean enabled, Duration startTimeout, String readyUrl, String command) {

  @JsonCreator
  public OpenClawConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("start_timeout") Duration startTimeout,
      @JsonProperty("ready_url") String readyUrl,
      @JsonProperty("command") String command) {
    this(
        enabled != null && enabled,
        startTimeout == null ? Duration.ofMinutes(3) : startTimeout,
        readyUrl,
        command);
  }

  public OpenClawConfig {
    if (startTimeout == null) {
      startTimeout = Duration.ofMinutes(3);
    }
    if (startTimeout.isNegative()
        || startTimeout.isZero()
        || startTimeout.compareTo(Duration.ofMinutes(15)) > 0) {
      throw new IllegalArgumentException(
          "start_timeout must be in (0s, 15m], but was " + Durations.format(startTimeout));
    }
  }

  static OpenClawConfig disabled() {
    return new OpenClawConfig((Boolean) null, null, null, null);
  }

  /** One line per deprecated key in use, naming the key that replaces it. */
  public List<String> deprecations() {
    List<String> out = new ArrayList<>();
    if (readyUrl != null) {
      out.add(
          "doctor.openclaw.ready_url is deprecated: set openclaw.gateway_url (the gateway's base"
              + " URL, e.g. http://127.0.0.1:18789) instead");
    }
    if (command != null) {
      out.add("doctor.openclaw.command is deprecated: set openclaw.command instead");
    }
    return out;
  }
}
