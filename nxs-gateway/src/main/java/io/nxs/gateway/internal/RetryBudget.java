package io.nxs.gateway.internal;

import io.github.bucket4j.Bucket;
import io.nxs.core.time.ClockTimeMeter;
import java.time.Clock;
import java.time.Duration;

/**
 * A provider's retry budget (GW4): retries may add at most {@code ratio} of the first attempts'
 * load, plus a small floor per second, so a dead provider cannot multiply the traffic sent to it.
 *
 * <p>One Bucket4j bucket in milli-tokens: each first attempt deposits {@code ratio} x 1000, a retry
 * costs 1000, and the floor refills {@code minPerSecond} x 1000 per second. The bucket reads the
 * injected clock.
 */
final class RetryBudget {

  private static final long RETRY = 1000;

  private final long deposit;
  private final Bucket bucket;

  RetryBudget(double ratio, int minPerSecond, Clock clock) {
    this.deposit = Math.round(ratio * RETRY);
    long floor = Math.max(0, minPerSecond) * RETRY;
    long capacity = Math.max(10 * RETRY, floor * 10);
    this.bucket =
        Bucket.builder()
            .addLimit(
                limit ->
                    limit
                        .capacity(capacity)
                        .refillGreedy(Math.max(1, floor), Duration.ofSeconds(1))
                        .initialTokens(floor))
            .withCustomTimePrecision(new ClockTimeMeter(clock))
            .build();
  }

  /** A first attempt was made: it earns retries. */
  void onFirstAttempt() {
    if (deposit > 0) {
      bucket.addTokens(deposit);
    }
  }

  /** Whether a retry may be made now; takes it from the budget when so. */
  boolean tryRetry() {
    return bucket.tryConsume(RETRY);
  }
}
