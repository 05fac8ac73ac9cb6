package io.nxs.doctor;

import io.nxs.doctor.predict.HealthReport;
import io.nxs.doctor.predict.Predictor;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.doctor.sample.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's CPU, memory and disk for the dashboard's charts ({@code GET /api/v1/doctor/host}): the
 * live window of each series, thinned to at most {@link #MAX_POINTS} points, with the predicted
 * time of exhaustion where the Doctor's regression found one.
 */
public final class HostView {

  /** Points per chart: enough for a smooth line, few enough for a phone. */
  static final int MAX_POINTS = 120;

  /** How far back the charts reach. */
  static final Duration WINDOW = Duration.ofHours(1);

  private HostView() {}

  /**
   * Builds the view.
   *
   * @return {@code {"series": {"CPU": {"unit", "latest", "points": [[iso, value], ...],
   *     "exhaustion_at"?}, ...}}}
   */
  public static Map<String, Object> of(SampleStore samples, HealthReport health) {
    Map<String, Object> series = new LinkedHashMap<>();
    for (Series s : samples.seriesOf("cpu.usage_percent").values()) {
      series.put("CPU", chart(s, null));
    }
    for (Series s : samples.seriesOf("memory.used_percent").values()) {
      series.put("Memory", chart(s, exhaustion(health, "memory", s.key().labels())));
    }
    for (Series s : samples.seriesOf("disk.usage_percent").values()) {
      String mount = s.key().labels().getOrDefault("mount", "?");
      series.put("Disk " + mount, chart(s, exhaustion(health, "disk", s.key().labels())));
    }
    return Map.of("series", series);
  }

  private static Map<String, Object> chart(Series s, Instant exhaustionAt) {
    long latest = s.latestMillis();
    Series.Points p =
        latest == Long.MIN_VALUE
            ? new Series.Points(new long[0], new double[0])
            : s.since(latest - WINDOW.toMillis());
    int stride = Math.max(1, (p.size() + MAX_POINTS - 1) / MAX_POINTS);
    List<List<Object>> points = new ArrayList<>();
    for (int i = 0; i < p.size(); i += stride) {
      points.add(List.of(Instant.ofEpochMilli(p.times()[i]).toString(), round(p.values()[i])));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unit", "%");
    m.put("latest", round(s.latest()));
    m.put("points", points);
    if (exhaustionAt != null) {
      m.put("exhaustion_at", exhaustionAt.toString());
    }
    return m;
  }

  private static Instant exhaustion(
      HealthReport health, String resource, Map<String, String> labels) {
    if (health == null) {
      return null;
    }
    for (HealthReport.Exhaustion e : health.exhaustion()) {
      if (e.resource().equals(resource)
          && e.labels().equals(labels)
          && e.hours() > 0
          && e.hours() < Predictor.NO_EXHAUSTION) {
        return health.at().plus(Duration.ofMinutes(Math.round(e.hours() * 60)));
      }
    }
    return null;
  }

  private static double round(double v) {
    return Double.isNaN(v) ? 0 : Math.round(v * 10) / 10.0;
  }
}
