package io.nxs.doctor.predict;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The health score (SPEC DR5): each dimension 0-100 and their weighted average.
 *
 * @param at when it was computed
 * @param score the overall score, 0-100
 * @param dimensions each dimension's score
 * @param weights each dimension's weight
 * @param exhaustion predictions of running out, soonest first
 * @param anomalies series more than 3 standard deviations from their last hour
 */
public record HealthReport(
    Instant at,
    double score,
    Map<String, Double> dimensions,
    Map<String, Double> weights,
    List<Exhaustion> exhaustion,
    List<Anomaly> anomalies) {

  /**
   * @param resource disk, inodes, memory or fd
   * @param labels the series labels (e.g. mount)
   * @param hours hours until 100 % at the trend of the last hour
   * @param percentPerHour the trend
   */
  public record Exhaustion(
      String resource, Map<String, String> labels, double hours, double percentPerHour) {}

  /**
   * @param metric the metric
   * @param labels its labels
   * @param value the newest value
   * @param zscore how many standard deviations from the last hour's mean
   */
  public record Anomaly(String metric, Map<String, String> labels, double value, double zscore) {}
}
