package io.nxs.doctor.collect;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.ext.MetricSource;
import io.nxs.doctor.command.ShellCommand;
import io.nxs.doctor.config.OpenClawConfig;
import io.nxs.doctor.config.ServiceConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenClaw gateway, supervised ready-made (SPEC DR9; {@code doctor.openclaw}).
 *
 * <p>The gateway is probed as the service {@code openclaw-gateway} on its {@code /readyz}, so the
 * built-in {@code service-down} rule and the level-2 restart apply to it; its restart follows the
 * gateway's contract: {@code openclaw gateway restart}, and on exit code 78 (a configuration error)
 * {@code openclaw doctor --fix --yes --non-interactive} once and one more restart, then it stops
 * and the failure escalates rather than loops. This collector adds what the gateway itself reports:
 * the {@code failing:[…]} list of a 503 from {@code /readyz} and, every {@link #LINT_EVERY}, the
 * findings of {@code openclaw doctor --lint --json} ({@code {ok, findings:[{checkId, severity,
 * message, fixHint}]}}) as {@code openclaw.failing{check, detail, ...}}, which the built-in {@code
 * openclaw-component-failing} rule turns into alerts. It complements OpenClaw's own doctor (it runs
 * it), it does not re-implement its checks.
 */
public final class OpenClawCollector implements MetricSource {

  private static final Logger LOG = LoggerFactory.getLogger(OpenClawCollector.class);

  /** The service name the gateway is probed as. */
  public static final String SERVICE = "openclaw-gateway";

  /** The exit code of {@code openclaw gateway restart} for a configuration error. */
  public static final int CONFIG_ERROR = 78;

  /** How often the lint runs. */
  public static final Duration LINT_EVERY = Duration.ofMinutes(10);

  private final OpenClawConfig config;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final Map<Map<String, String>, Double> findings = new LinkedHashMap<>();
  private final Map<Map<String, String>, Double> readyFailing = new LinkedHashMap<>();
  private long lastLint = Long.MIN_VALUE;

  public OpenClawCollector(OpenClawConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The gateway as a probed service with its contract-following restart. */
  public static ServiceConfig service(OpenClawConfig config) {
    String oc = "'" + config.command().replace("'", "'\\''") + "'";
    String restart =
        oc
            + " gateway restart; rc=$?; if [ $rc -eq "
            + CONFIG_ERROR
            + " ]; then "
            + oc
            + " doctor --fix --yes --non-interactive; "
            + oc
            + " gateway restart; rc=$?; fi; exit $rc";
    return new ServiceConfig(
        SERVICE,
        config.readyUrl(),
        null,
        null,
        null,
        restart,
        List.of("nxs"),
        null,
        Duration.ofSeconds(5));
  }

  @Override
  public String name() {
    return "openclaw";
  }

  @Override
  public synchronized List<Sample> collect() {
    readyFailing.replaceAll((k, v) -> 0.0);
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(config.readyUrl()))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 503) {
        JsonNode failing = Json.mapper().readTree(r.body()).path("failing");
        for (JsonNode f : failing) {
          readyFailing.put(Map.of("check", f.asText(), "detail", "not ready (readyz)"), 1.0);
        }
      }
    } catch (IOException e) {
      // the gateway being unreachable is the service probe's finding (service-down)
      LOG.debug("OpenClaw's readiness not read: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long now = clock.millis();
    if (lastLint == Long.MIN_VALUE || now - lastLint >= LINT_EVERY.toMillis()) {
      lastLint = now;
      lint();
    }
    List<Sample> out = new ArrayList<>();
    readyFailing.forEach((labels, v) -> out.add(new Sample("openclaw.failing", labels, v)));
    findings.forEach((labels, v) -> out.add(new Sample("openclaw.failing", labels, v)));
    return out;
  }

  private void lint() {
    ShellCommand.Result r =
        ShellCommand.run(
            "'" + config.command().replace("'", "'\\''") + "' doctor --lint --json",
            Duration.ofSeconds(60));
    findings.replaceAll((k, v) -> 0.0);
    try {
      JsonNode body = Json.mapper().readTree(r.output());
      for (JsonNode f : body.path("findings")) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("check", f.path("checkId").asText("unknown"));
        labels.put("detail", f.path("message").asText(""));
        labels.put("severity", f.path("severity").asText("warning"));
        labels.put("hint", f.path("fixHint").asText(""));
        findings.put(Map.copyOf(labels), 1.0);
      }
    } catch (IOException e) {
      findings.put(
          Map.of(
              "check",
              "doctor-lint",
              "detail",
              "openclaw doctor --lint --json gave no JSON: " + r.summary()),
          1.0);
    }
  }
}
