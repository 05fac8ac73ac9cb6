package io.nxs.core.ext;

import java.util.List;
import java.util.Map;

/**
 * Figures a module offers the Doctor, e.g. the gateway's provider latencies. Collected once per
 * Doctor interval; must be quick and must not block on the network.
 */
public interface MetricSource {

  /** Unique name of the source, e.g. {@code gateway}. */
  String name();

  /** The current figures. */
  List<Sample> collect();

  /**
   * One figure.
   *
   * @param metric dotted name, e.g. {@code provider.error_rate}
   * @param labels series labels, e.g. {@code provider=kimi-primary}
   * @param value the value
   */
  record Sample(String metric, Map<String, String> labels, double value) {
    public Sample {
      labels = Map.copyOf(labels);
    }
  }
}
