package io.nxs.core.cluster;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Provider breaker states shared between instances: when one instance opens a provider's breaker,
 * the others learn it within a bounded time (about 2 s in a cluster) and stop choosing that
 * provider; only one instance, the probe owner, sends the half-open probe.
 */
public interface SharedBreakers {

  /** Publishes a change of this instance's breaker for a provider. */
  void publish(SharedBreakerState state);

  /** The latest state any instance published for a provider. */
  Optional<SharedBreakerState> state(String provider);

  /**
   * Whether this instance is the one that sends the half-open probe for a provider: the instance
   * that opened it while it is healthy, else the lowest-id healthy instance. Always true for a
   * single node.
   */
  boolean probeOwner(String provider);

  /**
   * Calls the listener on every state another instance publishes.
   *
   * @return closes the subscription
   */
  AutoCloseable watchBreakers(Consumer<SharedBreakerState> listener);
}
