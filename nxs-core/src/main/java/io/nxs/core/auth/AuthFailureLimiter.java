package io.nxs.core.auth;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.nxs.core.time.ClockTimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed authentications per client address (SEC3): after {@code maxFailures} failures
 * within {@code window} the address is locked out until the window passes.
 *
 * <p>One Bucket4j bucket per address, refilled all at once per window; the buckets read the
 * injected clock, so tests move time instead of sleeping. Addresses whose bucket is full again are
 * forgotten, which keeps memory bounded by the number of recently failing clients.
 */
public final class AuthFailureLimiter {

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final TimeMeter time;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** The SEC3 default: 5 failures per 15 minutes. */
  public AuthFailureLimiter(Clock clock) {
    this(5, Duration.ofMinutes(15), clock);
  }

  public AuthFailureLimiter(int maxFailures, Duration window, Clock clock) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures must be at least 1, but was " + maxFailures);
    }
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
    this.time = new ClockTimeMeter(clock);
  }

  /** The clock the lockout windows are read from (the HTTP server's clock too). */
  public Clock clock() {
    return clock;
  }

  /** How long the address must wait, or {@link Duration#ZERO} when it is not locked out. */
  public Duration lockedFor(String address) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      return Duration.ZERO;
    }
    var probe = bucket.estimateAbilityToConsume(1);
    return probe.canBeConsumed()
        ? Duration.ZERO
        : Duration.ofNanos(probe.getNanosToWaitForRefill());
  }

  /**
   * Records one failure.
   *
   * @return true when this failure used up the address's allowance (it is now locked out)
   */
  public boolean recordFailure(String address) {
    pruneRecovered();
    Bucket bucket = buckets.computeIfAbsent(address, a -> newBucket());
    bucket.tryConsume(1);
    return bucket.getAvailableTokens() == 0;
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(maxFailures).refillIntervally(maxFailures, window))
        .withCustomTimePrecision(time)
        .build();
  }

  private void pruneRecovered() {
    if (buckets.size() > 1024) {
      buckets.values().removeIf(b -> b.getAvailableTokens() >= maxFailures);
    }
  }
}
