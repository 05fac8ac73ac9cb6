package io.nxs.doctor.sample;

import io.nxs.core.ext.MetricSource.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live samples of every series, indexed by metric name for the rule engine (SPEC DR1).
 *
 * <p>Bounded: each series keeps its live window in a fixed ring, and at most {@code maxSeries}
 * series exist; samples of further series are dropped and counted in {@link #droppedSamples()}.
 */
public final class SampleStore {

  private final int capacity;
  private final int maxSeries;
  private final Map<String, Map<Map<String, String>, Series>> byMetric = new ConcurrentHashMap<>();
  private final AtomicInteger seriesCount = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final ConcurrentLinkedQueue<MinuteBucket> completedMinutes =
      new ConcurrentLinkedQueue<>();

  /**
   * @param liveWindow how far back raw samples are kept
   * @param interval the collection interval; the ring holds {@code liveWindow / interval + 2}
   * @param maxSeries at most this many series
   */
  public SampleStore(Duration liveWindow, Duration interval, int maxSeries) {
    this.capacity =
        (int) Math.min(100_000, liveWindow.toMillis() / Math.max(1, interval.toMillis()) + 2);
    this.maxSeries = maxSeries;
  }

  /** Adds samples all taken at one moment. */
  public void ingest(long atMillis, Collection<Sample> samples) {
    for (Sample s : samples) {
      add(s.metric(), s.labels(), atMillis, s.value());
    }
  }

  /** Adds one sample; NaN and infinite values are ignored. */
  public void add(String metric, Map<String, String> labels, long atMillis, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return;
    }
    Map<Map<String, String>, Series> series =
        byMetric.computeIfAbsent(metric, m -> new ConcurrentHashMap<>());
    Series s = series.get(labels);
    if (s == null) {
      if (seriesCount.get() >= maxSeries) {
        dropped.incrementAndGet();
        return;
      }
      SeriesKey key = new SeriesKey(metric, labels);
      s =
          series.computeIfAbsent(
              key.labels(),
              l -> {
                seriesCount.incrementAndGet();
                return new Series(key, atMillis, capacity);
              });
    }
    s.add(atMillis, value, completedMinutes::add);
  }

  /** Every series of a metric, keyed by labels; empty when the metric is unknown. */
  public Map<Map<String, String>, Series> seriesOf(String metric) {
    Map<Map<String, String>, Series> m = byMetric.get(metric);
    return m == null ? Map.of() : m;
  }

  /** One series, or null. */
  public Series series(SeriesKey key) {
    return seriesOf(key.metric()).get(key.labels());
  }

  /** The newest value of a series, or NaN. */
  public double latest(String metric, Map<String, String> labels) {
    Series s = seriesOf(metric).get(labels);
    return s == null ? Double.NaN : s.latest();
  }

  /** Every series. */
  public List<Series> all() {
    List<Series> out = new ArrayList<>(seriesCount.get());
    byMetric.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  /**
   * Removes series whose newest sample is older than {@code beforeMillis} (gone mounts, services).
   */
  public int expire(long beforeMillis) {
    int removed = 0;
    for (Map<Map<String, String>, Series> m : byMetric.values()) {
      for (var it = m.values().iterator(); it.hasNext(); ) {
        if (it.next().latestMillis() < beforeMillis) {
          it.remove();
          seriesCount.decrementAndGet();
          removed++;
        }
      }
    }
    return removed;
  }

  /** Takes the minute aggregates completed since the last call. */
  public List<MinuteBucket> drainCompletedMinutes() {
    List<MinuteBucket> out = new ArrayList<>();
    MinuteBucket b;
    while ((b = completedMinutes.poll()) != null) {
      out.add(b);
    }
    return out;
  }

  public int seriesCount() {
    return seriesCount.get();
  }

  /** Samples dropped because the series limit was reached. */
  public long droppedSamples() {
    return dropped.get();
  }

  /** Points each series' ring holds. */
  public int capacity() {
    return capacity;
  }
}
