package io.nxs.archfixture.alpha;

import io.nxs.archfixture.alpha.internal.Hidden;
import java.time.Clock;
import java.time.Instant;

/** Module {@code alpha}'s public face: uses its own internals and the injected clock (allowed). */
public final class Facade {

  private final Clock clock;

  public Facade(Clock clock) {
    this.clock = clock;
  }

  public String answer() {
    Instant now = Instant.now(clock);
    return Hidden.answer() + " at " + now;
  }
}
