package io.nxs.gateway.internal;

import io.github.bucket4j.Bucket;
import io.nxs.core.time.ClockTimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * A provider's retry budget (GW4): retries may add at most {@code ratio} of the first attempts'
 * load, plus a small floor per second, so a dead provider cannot multiply the traffic sent to it.
 *
 * <p>One Bucket4j bucket in milli-tokens: each first attempt deposits {@code ratio} x 1000, a retry
 * costs 1000, and the floor refills {@code minPerSecond} x 1000 per second. The bucket reads the
 * injected clock.
 *
 * <p>Deposits wait in an adder and reach the bucket when a retry asks for tokens: a first attempt
 * costs an add, not the bucket's clock read, refill and compare-and-set on every request. The
 * bucket's count at a retry is the same either way: between two retries nothing takes tokens, so
 * the count only grows, and capping each deposit at the capacity as it comes or capping their sum
 * at the retry gives the same number.
 */
final class RetryBudget {

  private static final long RETRY = 1000;

  private final long deposit;
  private final Bucket bucket;
  private final LongAdder deposits = new LongAdder();

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
      deposits.add(deposit);
    }
  }

  /** Whether a retry may be made now; takes it from the budget when so. */
  boolean tryRetry() {
    long earned = deposits.sumThenReset(); // each cell swapped for 0: no deposit is lost
    if (earned > 0) {
      bucket.addTokens(earned);
    }
    return bucket.tryConsume(RETRY);
  }
}
