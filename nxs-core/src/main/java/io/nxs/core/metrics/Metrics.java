package io.nxs.core.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** Builds the daemon's meter registry, scraped as Prometheus text at {@code /metrics}. */
public final class Metrics {

  /** The HTTP server's timer, one per method, route and status. */
  public static final String HTTP_REQUESTS = "http.server.requests";

  /**
   * Gives {@link #HTTP_REQUESTS} a percentile histogram from 1 ms to 60 s, so a reader (the
   * Doctor's p99 per interval, a rollout's judge) can compute any percentile of any interval from
   * bucket counts. A registry's filters must all be in place before its first meter registers, so
   * it is part of the registry, not added later by whoever reads it.
   */
  static final MeterFilter REQUEST_HISTOGRAM =
      new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(
            Meter.Id id, DistributionStatisticConfig config) {
          if (!id.getName().equals(HTTP_REQUESTS)) {
            return config;
          }
          return DistributionStatisticConfig.builder()
              .percentilesHistogram(true)
              .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
              .maximumExpectedValue((double) Duration.ofSeconds(60).toNanos())
              .build()
              .merge(config);
        }
      };

  private Metrics() {}

  /**
   * A Prometheus registry with JVM and process figures bound, tagged {@code application=nxs}, whose
   * {@link #HTTP_REQUESTS} timers carry a percentile histogram.
   */
  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("application", "nxs").meterFilter(REQUEST_HISTOGRAM);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return registry;
  }
}
