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
 * {@code api.latency_ms} (mean), {@code api.latency_p99_ms} (99th percentile) and {@code
 * security.auth_failures_per_min} (401 answers); and every registered health source (e.g. the
 * gateway's providers) as {@code health.up{source}} (1 up, 0.5 degraded, 0 down).
 *
 * <p>The p99 comes from the timer's percentile histogram, which the daemon's registry turns on
 * ({@link io.nxs.core.metrics.Metrics#prometheus()}): the bucket counts of every status and route
 * are summed, the previous collection's sums subtracted, and the p99 is the upper bound of the
 * bucket where 99 % of the interval's requests are reached (so it is exact to the bucket, and a
 * mean cannot hide a slow tail).
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
  private final java.util.TreeMap<Double, Double> lastBuckets = new java.util.TreeMap<>();

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
      java.util.TreeMap<Double, Double> buckets = new java.util.TreeMap<>();
      for (Timer t : registry.find("http.server.requests").timers()) {
        for (io.micrometer.core.instrument.distribution.CountAtBucket b :
            t.takeSnapshot().histogramCounts()) {
          buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
        }
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
          double p99 = p99(buckets, lastBuckets, requests);
          if (!Double.isNaN(p99)) {
            out.add(new Sample("api.latency_p99_ms", Map.of(), p99));
          }
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
      lastBuckets.clear();
      lastBuckets.putAll(buckets);
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

  /**
   * The upper bound (ms) of the bucket where the interval's cumulative count reaches 99 % of its
   * requests, or NaN without histogram data; beyond the last bucket, the last bound.
   */
  static double p99(
      java.util.NavigableMap<Double, Double> now,
      java.util.Map<Double, Double> before,
      double requests) {
    double target = Math.ceil(0.99 * requests);
    double bound = Double.NaN;
    for (Map.Entry<Double, Double> b : now.entrySet()) {
      bound = b.getKey();
      if (b.getValue() - before.getOrDefault(b.getKey(), 0.0) >= target) {
        return bound;
      }
    }
    return bound;
  }
}
