package io.nxs.doctor.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.Durations;
import java.time.Duration;

/**
 * {@code doctor.notify}: where incidents go, one message per incident (SPEC DR7).
 *
 * @param webhook a URL that receives each incident as JSON; optional
 * @param alertmanager the Alertmanager base URL, e.g. {@code http://127.0.0.1:9093}; optional
 * @param repeatInterval how often an open incident is sent again; default 4h
 * @param minSeverity incidents below this severity are not sent; default {@code medium}
 */
public record NotifyConfig(
    String webhook, String alertmanager, Duration repeatInterval, String minSeverity) {

  @JsonCreator
  public NotifyConfig(
      @JsonProperty("webhook") String webhook,
      @JsonProperty("alertmanager") String alertmanager,
      @JsonProperty("repeat_interval") Duration repeatInterval,
      @JsonProperty("min_severity") String minSeverity) {
    this.webhook = checkUrl("webhook", webhook);
    this.alertmanager = checkUrl("alertmanager", alertmanager);
    this.repeatInterval = repeatInterval == null ? Duration.ofHours(4) : repeatInterval;
    this.minSeverity =
        minSeverity == null ? "medium" : io.nxs.core.Severity.parse(minSeverity).label();
    if (this.repeatInterval.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "repeat_interval must be at least 1m, but was " + Durations.format(this.repeatInterval));
    }
  }

  private static String checkUrl(String key, String url) {
    if (url != null && !(url.startsWith("http://") || url.startsWith("https://"))) {
      throw new IllegalArgumentException(
          key + " must be an http:// or https:// URL, but was '" + url + "'");
    }
    return url == null ? null : url.replaceAll("/+$", "");
  }
}
