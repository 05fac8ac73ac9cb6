package io.nxs.core.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.time.Clock;
import java.util.Date;

/**
 * The {@code Date} header of the front's own answers (RFC 9110 §6.6.1: an origin server with a
 * clock sends one), read from the injected clock and formatted (IMF-fixdate) once per second: a
 * request in the same second as the one before reuses its text.
 */
final class HttpDate {

  private final Clock clock;
  private volatile Stamp last = new Stamp(Long.MIN_VALUE, AsciiString.EMPTY_STRING);

  HttpDate(Clock clock) {
    this.clock = clock;
  }

  /** Now, as a {@code Date} header's value. */
  AsciiString now() {
    long second = Math.floorDiv(clock.millis(), 1000L);
    Stamp stamp = last;
    if (stamp.second() != second) {
      stamp = new Stamp(second, AsciiString.cached(DateFormatter.format(new Date(second * 1000L))));
      last = stamp; // a race writes the same text twice, never a wrong one
    }
    return stamp.text();
  }

  private record Stamp(long second, AsciiString text) {}
}
