package io.nxs.core.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * A provider breaker's state as the last instance to change it published it.
 *
 * @param provider the provider's name
 * @param phase its state
 * @param by the id of the instance that changed it
 * @param at when it changed, from that instance's clock
 */
public record SharedBreakerState(String provider, BreakerPhase phase, String by, Instant at) {
  public SharedBreakerState {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(at, "at");
  }
}
