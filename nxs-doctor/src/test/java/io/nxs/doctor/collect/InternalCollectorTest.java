package io.nxs.doctor.collect;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.core.ext.MetricSource.Sample;
import io.nxs.core.metrics.Metrics;
import io.nxs.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The HTTP server's figures per interval: a slow tail shows in the p99 that the mean hides. */
class InternalCollectorTest {

  private static void serve(PrometheusMeterRegistry registry, String status, int n, long ms) {
    Timer t =
        Timer.builder("http.server.requests")
            .tag("method", "POST")
            .tag("route", "/v1/chat/completions")
            .tag("status", status)
            .register(registry);
    for (int i = 0; i < n; i++) {
      t.record(Duration.ofMillis(ms));
    }
  }

  private static Map<String, Double> figures(List<Sample> samples) {
    return samples.stream()
        .filter(s -> s.labels().isEmpty())
        .collect(Collectors.toMap(Sample::metric, Sample::value));
  }

  @Test
  void theP99OfAnIntervalShowsTheSlowTailTheMeanHidesAndForgetsEarlierIntervals() {
    PrometheusMeterRegistry registry = Metrics.prometheus();
    MutableClock clock = MutableClock.startingAt2026();
    InternalCollector collector = new InternalCollector(registry, null, clock);
    collector.collect();

    serve(registry, "200", 97, 5);
    serve(registry, "502", 3, 4000); // 3 % of requests take 4 s
    clock.advance(Duration.ofMinutes(1));
    Map<String, Double> slow = figures(collector.collect());

    assertThat(slow.get("api.latency_ms")).isCloseTo((97 * 5 + 3 * 4000) / 100.0, within());
    assertThat(slow.get("api.latency_p99_ms")).isBetween(4000.0, 4500.0);
    assertThat(slow.get("api.error_rate")).isCloseTo(3.0, within());

    serve(registry, "200", 200, 20);
    clock.advance(Duration.ofMinutes(1));
    Map<String, Double> fast = figures(collector.collect());

    assertThat(fast.get("api.latency_p99_ms")).isBetween(20.0, 23.0);
    assertThat(fast.get("api.error_rate")).isZero();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
