package io.nxs.gateway.internal;

import io.nxs.gateway.Attempt;
import io.nxs.gateway.Outcome;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent figures of one provider for the API, the CLI and the Doctor: the last 100 tried attempts'
 * latencies and failures, and the last failure's reason.
 */
final class ProviderStats {

  private static final int SIZE = 100;

  /** The last failure, as one value so its reason and time always belong together. */
  private record Failure(String reason, Instant at) {}

  // Lock-free: every request of a provider records here, and under hundreds of concurrent
  // requests a monitor made them queue (seen in thread dumps at 512 connections).
  private final AtomicLongArray latencies = new AtomicLongArray(SIZE);
  private final AtomicIntegerArray failures = new AtomicIntegerArray(SIZE);
  private final AtomicLong recorded = new AtomicLong();
  private volatile Failure lastFailure;
  private volatile Instant lastSuccessAt;

  void record(Attempt a) {
    if (!a.outcome().tried() || a.outcome() == Outcome.CANCELLED) {
      return;
    }
    boolean failed = a.outcome() != Outcome.OK && a.outcome() != Outcome.CLIENT_ERROR;
    int slot = (int) (recorded.getAndIncrement() % SIZE);
    latencies.set(slot, a.took().toMillis());
    failures.set(slot, failed ? 1 : 0);
    if (failed) {
      lastFailure = new Failure(a.describe(), a.startedAt());
    } else {
      lastSuccessAt = a.startedAt();
    }
  }

  /** The figures now; a record racing with it may or may not be counted. */
  Snapshot snapshot() {
    int count = (int) Math.min(recorded.get(), SIZE);
    long[] sorted = new long[count];
    int failed = 0;
    for (int i = 0; i < count; i++) {
      sorted[i] = latencies.get(i);
      failed += failures.get(i);
    }
    Arrays.sort(sorted);
    Failure last = lastFailure;
    return new Snapshot(
        count,
        count == 0 ? 0 : failed / (double) count,
        count == 0 ? -1 : sorted[(count - 1) / 2],
        count == 0 ? -1 : sorted[(int) Math.ceil(count * 0.99) - 1],
        last == null ? null : last.reason(),
        last == null ? null : last.at(),
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
