package io.nxs.archfixture.alpha;

import java.time.Instant;

/** Reads the wall clock itself instead of an injected {@code Clock}: breaks the time rule. */
public final class WallClockReader {

  private WallClockReader() {}

  public static Instant now() {
    return Instant.now();
  }
}
