package io.nxs.core.time;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Instant;

/**
 * Bucket4j's time source on an injected {@link Clock}, so rate limits and budgets follow the clock
 * a test moves instead of the machine's. Wall-clock based: a bucket's refill follows the clock's
 * instants, nanosecond precision.
 */
public final class ClockTimeMeter implements TimeMeter {

  private final Clock clock;

  public ClockTimeMeter(Clock clock) {
    this.clock = clock;
  }

  @Override
  public long currentTimeNanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public boolean isWallClockBased() {
    return true;
  }
}
