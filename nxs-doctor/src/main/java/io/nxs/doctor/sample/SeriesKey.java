package io.nxs.doctor.sample;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One series: a dotted metric name and its labels, e.g. {@code disk.usage_percent{mount=/}}. Labels
 * are kept sorted so that equal series print alike.
 */
public record SeriesKey(String metric, Map<String, String> labels) {

  public SeriesKey {
    Objects.requireNonNull(metric, "metric");
    labels =
        labels == null || labels.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  public static SeriesKey of(String metric) {
    return new SeriesKey(metric, Map.of());
  }

  @Override
  public String toString() {
    if (labels.isEmpty()) {
      return metric;
    }
    StringBuilder b = new StringBuilder(metric).append('{');
    labels.forEach((k, v) -> b.append(k).append('=').append(v).append(','));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }
}
