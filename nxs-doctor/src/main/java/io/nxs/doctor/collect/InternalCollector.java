package io.nxs.doctor.collect;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.ext.Registry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * NXS's own figures (SPEC DR1 internal figures): from the HTTP server's {@code
 * http.server.requests} timer, per collection interval, {@code api.error_rate} (percent of 5xx),
 * {@code api.latency_ms} (mean) and {@code security.auth_failures_per_min} (401 answers); and every
 * registered health source (e.g. the gateway's providers) as {@code health.up{source}} (1 up, 0.5
 * degraded, 0 down).
 */
public final class InternalCollector implements MetricSource {

  private final MeterRegistry registry;
  private final Registry<HealthSource> health;
  private final Clock clock;
  private long lastMillis = -1;
  private double lastCount;
  private double lastErrors;
  private double lastAuthFailures;
  private double lastTotalMs;

  public InternalCollector(MeterRegistry registry, Registry<HealthSource> health, Clock clock) {
    this.registry = registry;
    this.health = health;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "internal";
  }

  @Override
  public synchronized List<Sample> collect() {
    List<Sample> out = new ArrayList<>();
    if (registry != null) {
      double count = 0;
      double errors = 0;
      double auth = 0;
      double totalMs = 0;
      for (Timer t : registry.find("http.server.requests").timers()) {
        String status = t.getId().getTag("status");
        count += t.count();
        totalMs += t.totalTime(TimeUnit.MILLISECONDS);
        if (status != null && status.startsWith("5")) {
          errors += t.count();
        }
        if ("401".equals(status)) {
          auth += t.count();
        }
      }
      long now = clock.millis();
      if (lastMillis >= 0 && now > lastMillis) {
        double requests = count - lastCount;
        double minutes = (now - lastMillis) / 60_000.0;
        out.add(
            new Sample(
                "api.error_rate",
                Map.of(),
                requests > 0 ? 100 * (errors - lastErrors) / requests : 0));
        if (requests > 0) {
          out.add(new Sample("api.latency_ms", Map.of(), (totalMs - lastTotalMs) / requests));
        }
        out.add(
            new Sample(
                "security.auth_failures_per_min", Map.of(), (auth - lastAuthFailures) / minutes));
      }
      lastMillis = now;
      lastCount = count;
      lastErrors = errors;
      lastAuthFailures = auth;
      lastTotalMs = totalMs;
    }
    if (health != null) {
      for (HealthSource h : health.all()) {
        HealthSource.Health s = h.check();
        double v =
            switch (s.status()) {
              case UP -> 1;
              case DEGRADED -> 0.5;
              case DOWN -> 0;
            };
        out.add(new Sample("health.up", Map.of("source", h.name()), v));
      }
    }
    return out;
  }
}
