package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code doctor.openclaw}: the OpenClaw gateway, supervised ready-made.
 *
 * @param enabled whether to probe it; default false
 * @param readyUrl its readiness endpoint; default {@code http://127.0.0.1:18789/readyz}
 * @param command the {@code openclaw} executable; default {@code openclaw}
 */
public record OpenClawConfig(boolean enabled, String readyUrl, String command) {

  @JsonCreator
  public OpenClawConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("ready_url") String readyUrl,
      @JsonProperty("command") String command) {
    this(
        enabled != null && enabled,
        readyUrl == null ? "http://127.0.0.1:18789/readyz" : readyUrl,
        command == null ? "openclaw" : command);
  }

  static OpenClawConfig disabled() {
    return new OpenClawConfig(false, null, null);
  }
}
