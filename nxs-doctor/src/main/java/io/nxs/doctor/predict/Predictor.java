package io.nxs.doctor.predict;

import io.nxs.core.ext.MetricSource.Sample;
import io.nxs.doctor.sample.SampleHistory;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.doctor.sample.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Prediction and health scoring (SPEC DR5, seed 001 §6), with Apache Commons Math.
 *
 * <p>Once per tick: a linear regression over the last hour of each percentage that can run out
 * (disk space and inodes per mount, memory, file descriptors) gives the hours until 100 % as {@code
 * predict.hours_to_exhaustion{resource,...}} (a trend needs 10 points over 10 minutes and a fit of
 * R² ≥ 0.5, else the figure is {@link #NO_EXHAUSTION}); each watched metric's newest value is
 * compared with the mean and standard deviation of its last hour as {@code
 * anomaly.zscore{metric,...}} (needs 30 points); error rates are smoothed (EWMA) and compared with
 * their 7-day baseline from the history as {@code predict.error_rate_ratio{metric,...}}. The
 * derived samples feed the built-in rules {@code resource-exhaustion-predicted} and {@code
 * metric-anomaly}.
 *
 * <p>Scores: resources = min(100, 10 × hours to exhaustion), the soonest resource (the seed writes
 * {@code 100 - hours × 10}, which would score a disk that fills in 1 h as healthy; its "below 20
 * alerts at 2 hours" fits this form); errors = 100 − the EWMA's rise over the baseline in percent;
 * anomalies = 100 − 20 per anomalous series; services = the share of probed services up. The
 * overall score weighs them 0.35, 0.25, 0.15, 0.25.
 */
public final class Predictor {

  /** Hours reported when nothing is running out. */
  public static final double NO_EXHAUSTION = 1000;

  /** The window of regression and z-scores. */
  public static final Duration WINDOW = Duration.ofHours(1);

  private static final Map<String, String> EXHAUSTIBLE =
      Map.of(
          "disk.usage_percent", "disk",
          "disk.inode_percent", "inodes",
          "memory.used_percent", "memory",
          "fd.used_percent", "fd");

  /** Metrics watched for anomalies. */
  public static final List<String> ANOMALY_METRICS =
      List.of(
          "cpu.usage_percent",
          "memory.used_percent",
          "load.avg1",
          "disk.read_bytes_per_s",
          "disk.write_bytes_per_s",
          "net.rx_bytes_per_s",
          "net.tx_bytes_per_s",
          "process.rss_mb",
          "api.error_rate",
          "api.latency_ms",
          "queue.depth");

  /** Error rates compared with their baseline. */
  public static final List<String> ERROR_RATES = List.of("api.error_rate", "provider.error_rate");

  private static final Map<String, Double> WEIGHTS = weights();
  private static final double EWMA_ALPHA = 0.3;

  private final SampleStore samples;
  private final SampleHistory history;
  private final Map<String, Double> ewma = new HashMap<>();
  private final Map<String, double[]> baselines = new HashMap<>();
  private volatile HealthReport last;

  public Predictor(SampleStore samples, SampleHistory history) {
    this.samples = samples;
    this.history = history;
    this.last = new HealthReport(Instant.EPOCH, 100, Map.of(), WEIGHTS, List.of(), List.of());
  }

  private static Map<String, Double> weights() {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("resources", 0.35);
    w.put("errors", 0.25);
    w.put("anomalies", 0.15);
    w.put("services", 0.25);
    return java.util.Collections.unmodifiableMap(w);
  }

  /**
   * Prediction runs at most this often; at a 1 s resolution the regressions and z-scores of the
   * last hour would otherwise dominate the Doctor's own CPU use, for trends that move slowly.
   */
  public static final Duration MIN_PERIOD = Duration.ofSeconds(10);

  private List<Sample> lastSamples = List.of();
  private long lastRun = Long.MIN_VALUE;

  /**
   * Computes the derived samples at {@code nowMillis} and the health report; within {@link
   * #MIN_PERIOD} of the last computation it returns that one's samples again.
   */
  public synchronized List<Sample> predict(long nowMillis) {
    if (lastRun != Long.MIN_VALUE
        && nowMillis >= lastRun
        && nowMillis - lastRun < MIN_PERIOD.toMillis()) {
      return lastSamples;
    }
    lastRun = nowMillis;
    lastSamples = compute(nowMillis);
    return lastSamples;
  }

  private List<Sample> compute(long nowMillis) {
    long from = nowMillis - WINDOW.toMillis();
    List<Sample> out = new ArrayList<>();
    List<HealthReport.Exhaustion> exhaustion = new ArrayList<>();
    EXHAUSTIBLE.forEach(
        (metric, resource) -> {
          for (Series s : samples.seriesOf(metric).values()) {
            Map<String, String> labels = new LinkedHashMap<>(s.key().labels());
            labels.put("resource", resource);
            double[] trend = trend(s.since(from), nowMillis);
            double hours = trend == null ? NO_EXHAUSTION : trend[0];
            out.add(new Sample("predict.hours_to_exhaustion", labels, hours));
            if (trend != null) {
              exhaustion.add(
                  new HealthReport.Exhaustion(resource, s.key().labels(), hours, trend[1]));
            }
          }
        });
    exhaustion.sort(Comparator.comparingDouble(HealthReport.Exhaustion::hours));

    List<HealthReport.Anomaly> anomalies = new ArrayList<>();
    for (String metric : ANOMALY_METRICS) {
      for (Series s : samples.seriesOf(metric).values()) {
        Series.Points p = s.since(from);
        int n = p.size();
        if (n < 31) {
          continue;
        }
        SummaryStatistics stats = new SummaryStatistics();
        for (int i = 0; i < n - 1; i++) {
          stats.addValue(p.values()[i]);
        }
        double sd = stats.getStandardDeviation();
        if (!(sd > 0)) {
          continue;
        }
        double x = p.values()[n - 1];
        double z = Math.abs(x - stats.getMean()) / sd;
        Map<String, String> labels = new LinkedHashMap<>(s.key().labels());
        labels.put("metric", metric);
        out.add(new Sample("anomaly.zscore", labels, z));
        if (z > 3) {
          anomalies.add(new HealthReport.Anomaly(metric, s.key().labels(), x, z));
        }
      }
    }

    double errors = 100;
    for (String metric : ERROR_RATES) {
      for (Series s : samples.seriesOf(metric).values()) {
        String key = s.key().toString();
        double value = s.latest();
        double smoothed =
            ewma.merge(key, value, (old, v) -> EWMA_ALPHA * v + (1 - EWMA_ALPHA) * old);
        double base = baseline(s, nowMillis);
        double score;
        if (base > 0) {
          score = 100 - (smoothed - base) / base * 100;
          Map<String, String> labels = new LinkedHashMap<>(s.key().labels());
          labels.put("metric", metric);
          out.add(new Sample("predict.error_rate_ratio", labels, smoothed / base));
        } else {
          score = 100 - smoothed * 10;
        }
        errors = Math.min(errors, clamp(score));
      }
    }

    double resources = exhaustion.isEmpty() ? 100 : clamp(exhaustion.getFirst().hours() * 10);
    double anomalyScore = clamp(100 - 20.0 * anomalies.size());
    double services = 100;
    Map<Map<String, String>, Series> up = samples.seriesOf("service.up");
    if (!up.isEmpty()) {
      services = 100 * up.values().stream().mapToDouble(Series::latest).average().orElse(1);
    }
    Map<String, Double> dims = new LinkedHashMap<>();
    dims.put("resources", resources);
    dims.put("errors", errors);
    dims.put("anomalies", anomalyScore);
    dims.put("services", services);
    double overall = 0;
    for (Map.Entry<String, Double> w : WEIGHTS.entrySet()) {
      overall += w.getValue() * dims.get(w.getKey());
    }
    dims.forEach((d, v) -> out.add(new Sample("health.score", Map.of("dimension", d), v)));
    out.add(new Sample("health.score", Map.of("dimension", "overall"), overall));
    last =
        new HealthReport(
            Instant.ofEpochMilli(nowMillis), overall, dims, WEIGHTS, exhaustion, anomalies);
    return out;
  }

  /** The last report. */
  public HealthReport health() {
    return last;
  }

  /**
   * Hours until 100 % and the slope in percent per hour, or null when the series does not rise
   * steadily.
   */
  static double[] trend(Series.Points p, long nowMillis) {
    int n = p.size();
    if (n < 10 || p.times()[n - 1] - p.times()[0] < Duration.ofMinutes(10).toMillis()) {
      return null;
    }
    SimpleRegression r = new SimpleRegression();
    for (int i = 0; i < n; i++) {
      r.addData((p.times()[i] - nowMillis) / 3_600_000.0, p.values()[i]);
    }
    double slope = r.getSlope();
    if (!(slope > 0) || r.getRSquare() < 0.5) {
      return null;
    }
    double now = r.getIntercept();
    double hours = Math.max(0, (100 - now) / slope);
    return new double[] {Math.min(hours, NO_EXHAUSTION), slope};
  }

  /** The 7-day mean of a series from the hourly history, refreshed hourly; 0 without history. */
  private double baseline(Series s, long nowMillis) {
    String key = s.key().toString();
    double[] cached = baselines.get(key);
    if (cached == null || nowMillis - (long) cached[1] > 3_600_000L) {
      OptionalDouble avg =
          history.average(s.key(), nowMillis - Duration.ofDays(7).toMillis(), nowMillis);
      cached = new double[] {avg.orElse(0), nowMillis};
      baselines.put(key, cached);
    }
    return cached[0];
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(100, v));
  }
}
