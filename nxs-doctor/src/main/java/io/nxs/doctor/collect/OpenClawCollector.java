package io.nxs.doctor.collect;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.http.LazyHttpClient;
import io.nxs.core.openclaw.CliResult;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.doctor.config.ServiceConfig;
import java.io.IOException;
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
 * OpenClaw's gateway, supervised ready-made (SPEC DR9; {@code doctor.openclaw}), found through the
 * core {@code openclaw:} port.
 *
 * <p>The gateway is probed as the service {@code openclaw-gateway} on its {@code /healthz} over
 * HTTP/1.1, so the built-in {@code service-down} rule applies to it, healed by {@code
 * doctor.restart_openclaw} (its contract-following start, see {@code GatewaySupervisor}). This
 * collector adds what the gateway itself reports: the {@code failing:[…]} list of a 503 from {@code
 * /readyz} and, every {@link #LINT_EVERY}, the findings of {@code openclaw doctor --lint --json}
 * ({@code {ok, findings:[{checkId, severity, message, fixHint}]}}) as {@code
 * openclaw.failing{check, detail, ...}}, which the built-in {@code openclaw-component-failing} rule
 * turns into alerts. It complements OpenClaw's own doctor (it runs it), it does not re-implement
 * its checks.
 */
public final class OpenClawCollector implements MetricSource {

  private static final Logger LOG = LoggerFactory.getLogger(OpenClawCollector.class);

  /** The service name the gateway is probed as. */
  public static final String SERVICE = "openclaw-gateway";

  /** How often the lint runs. */
  public static final Duration LINT_EVERY = Duration.ofMinutes(10);

  /** How long the lint may take (about a minute on a busy machine). */
  private static final Duration LINT_TIMEOUT = Duration.ofMinutes(5);

  private final OpenClaw openclaw;
  private final Clock clock;
  private final HttpClient http = LazyHttpClient.http11(Duration.ofSeconds(3));
  private final Map<Map<String, String>, Double> findings = new LinkedHashMap<>();
  private final Map<Map<String, String>, Double> readyFailing = new LinkedHashMap<>();
  private long lastLint = Long.MIN_VALUE;

  public OpenClawCollector(OpenClaw openclaw, Clock clock) {
    this.openclaw = openclaw;
    this.clock = clock;
  }

  /** The gateway as a probed service: {@code /healthz} over HTTP/1.1. */
  public static ServiceConfig service(OpenClaw openclaw) {
    return new ServiceConfig(
        SERVICE,
        openclaw.healthUrl().toString(),
        null,
        null,
        null,
        null,
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
              HttpRequest.newBuilder(openclaw.readyUrl())
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
    CliResult r = openclaw.cli().run(LINT_TIMEOUT, "doctor", "--lint", "--json");
    findings.replaceAll((k, v) -> 0.0);
    try {
      JsonNode body = Json.mapper().readTree(r.stdout());
      if (body == null || !body.isObject()) {
        throw new IOException("not a JSON object");
      }
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
              "openclaw doctor --lint --json gave no JSON (exit "
                  + r.exitCode()
                  + "): "
                  + e.getMessage()),
          1.0);
    }
  }
}
