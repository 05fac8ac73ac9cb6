package io.nxs.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A hand-moved clock for core's own tests (the testkit's MutableClock depends on core, so core
 * cannot use it).
 */
public final class StepClock extends Clock {

  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

  public void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
