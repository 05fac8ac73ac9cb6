package io.nxs.rollout.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.ext.Registry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * NXS's own figures, as the daemon already measures them: the API's requests, 5xx answers and p99
 * latency from the {@code http.server.requests} timers (their percentile histogram, which the
 * daemon's registry gives them, else their maximum), the heap in use after the last collection, and
 * the agent's channels and sessions from the modules' metric sources ({@code
 * agent.channels_connected}, {@code agent.sessions}) when a module offers them.
 */
public final class RegistryVitals implements VitalsProbe {

  /** The metric a module offers for the agent's connected chat channels. */
  public static final String CHANNELS = "agent.channels_connected";

  /** The metric a module offers for the agent's open sessions. */
  public static final String SESSIONS = "agent.sessions";

  private static final double MIB = 1024.0 * 1024.0;

  private final MeterRegistry registry;
  private final Registry<MetricSource> sources;
  private double lastCount;
  private double lastErrors;
  private final Map<Double, Double> lastBuckets = new HashMap<>();

  public RegistryVitals(MeterRegistry registry, Registry<MetricSource> sources) {
    this.registry = registry;
    this.sources = sources;
  }

  @Override
  public synchronized Vitals sample() {
    double count = 0;
    double errors = 0;
    double max = 0;
    NavigableMap<Double, Double> buckets = new TreeMap<>();
    for (Timer t : registry.find("http.server.requests").timers()) {
      var snapshot = t.takeSnapshot();
      for (CountAtBucket b : snapshot.histogramCounts()) {
        buckets.merge(b.bucket(TimeUnit.MILLISECONDS), b.count(), Double::sum);
      }
      count += t.count();
      max = Math.max(max, t.max(TimeUnit.MILLISECONDS));
      String status = t.getId().getTag("status");
      if (status != null && status.startsWith("5")) {
        errors += t.count();
      }
    }
    double requests = Math.max(0, count - lastCount);
    double p99 = requests == 0 ? 0 : buckets.isEmpty() ? max : p99(buckets, requests);
    Map<String, Double> agent = agentFigures();
    Vitals v =
        new Vitals(
            (long) requests,
            requests == 0 ? 0 : Math.max(0, errors - lastErrors) / requests,
            p99,
            heapAfterGcMb(),
            agent.getOrDefault(CHANNELS, -1.0).intValue(),
            agent.getOrDefault(SESSIONS, -1.0).intValue());
    lastCount = count;
    lastErrors = errors;
    lastBuckets.clear();
    lastBuckets.putAll(buckets);
    return v;
  }

  private double p99(NavigableMap<Double, Double> buckets, double requests) {
    double target = Math.ceil(0.99 * requests);
    double bound = 0;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      bound = b.getKey();
      if (b.getValue() - lastBuckets.getOrDefault(b.getKey(), 0.0) >= target) {
        return bound;
      }
    }
    return bound;
  }

  /** The heap in use after the last collection (steadier than the heap in use now), in MiB. */
  private static double heapAfterGcMb() {
    long used = 0;
    boolean any = false;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && after != null) {
        used += after.getUsed();
        any = true;
      }
    }
    if (!any) {
      used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    return used / MIB;
  }

  /** The agent's channels and sessions, summed over the sources offering them. */
  private Map<String, Double> agentFigures() {
    Map<String, Double> out = new HashMap<>();
    for (MetricSource source : sources.all()) {
      if (source.name().equals(RolloutModule.NAME)) {
        continue;
      }
      for (MetricSource.Sample s : source.collect()) {
        if (s.metric().equals(CHANNELS) || s.metric().equals(SESSIONS)) {
          out.merge(s.metric(), s.value(), Double::sum);
        }
      }
    }
    return out;
  }
}
