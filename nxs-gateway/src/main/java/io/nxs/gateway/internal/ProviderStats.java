package io.nxs.gateway.internal;

import io.nxs.gateway.Attempt;
import io.nxs.gateway.Outcome;
import java.time.Instant;
import java.util.Arrays;

/**
 * Recent figures of one provider for the API, the CLI and the Doctor: the last 100 tried
 * attempts' latencies and failures, and the last failure's reason.
 */
final class ProviderStats {

  private static final int SIZE = 100;

  private final long[] latencies = new long[SIZE];
  private final boolean[] failures = new boolean[SIZE];
  private int count;
  private int next;
  private String lastFailure;
  private Instant lastFailureAt;
  private Instant lastSuccessAt;

  synchronized void record(Attempt a) {
    if (!a.outcome().tried() || a.outcome() == Outcome.CANCELLED) {
      return;
    }
    latencies[next] = a.took().toMillis();
    failures[next] = a.outcome() != Outcome.OK && a.outcome() != Outcome.CLIENT_ERROR;
    next = (next + 1) % SIZE;
    count = Math.min(count + 1, SIZE);
    if (failures[(next + SIZE - 1) % SIZE]) {
      lastFailure = a.describe();
      lastFailureAt = a.startedAt();
    } else {
      lastSuccessAt = a.startedAt();
    }
  }

  synchronized Snapshot snapshot() {
    long[] sorted = Arrays.copyOf(latencies, count);
    Arrays.sort(sorted);
    int failed = 0;
    for (int i = 0; i < count; i++) {
      failed += failures[i] ? 1 : 0;
    }
    return new Snapshot(
        count,
        count == 0 ? 0 : failed / (double) count,
        count == 0 ? -1 : sorted[(count - 1) / 2],
        count == 0 ? -1 : sorted[(int) Math.ceil(count * 0.99) - 1],
        lastFailure,
        lastFailureAt,
        lastSuccessAt);
  }

  /**
   * @param samples attempts counted (at most 100)
   * @param errorRate failed share of them
   * @param p50Millis median latency, -1 when none
   * @param p99Millis 99th percentile latency, -1 when none
   */
  record Snapshot(
      int samples,
      double errorRate,
      long p50Millis,
      long p99Millis,
      String lastFailure,
      Instant lastFailureAt,
      Instant lastSuccessAt) {}
}
