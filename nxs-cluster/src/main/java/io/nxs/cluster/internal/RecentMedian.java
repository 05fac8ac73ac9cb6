package io.nxs.cluster.internal;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/** The median of the last few samples; thread-safe. */
final class RecentMedian {

  private final int size;
  private final Deque<Double> samples = new ArrayDeque<>();

  RecentMedian(int size) {
    this.size = size;
  }

  /** Adds a sample and returns the median of the last {@code size}. */
  synchronized double add(double sample) {
    samples.addLast(sample);
    while (samples.size() > size) {
      samples.removeFirst();
    }
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
