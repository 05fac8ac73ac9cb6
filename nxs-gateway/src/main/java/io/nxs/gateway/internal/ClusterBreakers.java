package io.nxs.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nxs.core.cluster.BreakerPhase;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.cluster.SharedBreakerState;
import io.nxs.core.cluster.SharedBreakers;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of shared breakers (SPEC CL7, issue 12): every change of a provider's breaker
 * on this instance is published through the core cluster port, and a provider whose breaker another
 * instance opened is not chosen here until that instance reports it closed — unless this instance
 * is the one that sends the half-open probe (the port names exactly one). The hold is read from the
 * port on every request, never cached, so it lifts the moment the owner publishes CLOSED, and
 * passes to another instance the moment the owner stops being healthy.
 *
 * <p>Design note: the hold sits in front of this instance's own breaker rather than forcing that
 * breaker open; a forced breaker would reach HALF_OPEN after its own wait and probe the provider,
 * which is exactly what the instances that do not own the probe must not do. For a single node the
 * port's state is only what this instance published, so nothing is ever held.
 */
final class ClusterBreakers {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterBreakers.class);

  private final ClusterPorts ports;
  private final Clock clock;

  ClusterBreakers(ClusterPorts ports, Clock clock) {
    this.ports = ports;
    this.clock = clock;
  }

  /** Publishes every state change of a provider's breaker, and holds it while another's is open. */
  void attach(ProviderRuntime provider) {
    provider
        .breaker()
        .circuitBreaker()
        .getEventPublisher()
        .onStateTransition(e -> publish(provider.name(), e.getStateTransition().getToState()));
    provider.holdWith(this::heldBy);
  }

  private void publish(String provider, CircuitBreaker.State to) {
    BreakerPhase phase =
        switch (to) {
          case OPEN, FORCED_OPEN -> BreakerPhase.OPEN;
          case HALF_OPEN -> BreakerPhase.HALF_OPEN;
          case CLOSED, DISABLED, METRICS_ONLY -> BreakerPhase.CLOSED;
        };
    SharedBreakers breakers = ports.breakers();
    try {
      breakers.publish(
          new SharedBreakerState(provider, phase, ports.view().localNodeId(), clock.instant()));
    } catch (RuntimeException e) {
      // The local breaker already changed; the others learn it on the next change.
      LOG.warn("could not share the breaker state of {}: {}", provider, e.getMessage());
    }
  }

  /**
   * The instance whose open breaker keeps a provider from being chosen here, or empty when this
   * instance may choose it (its own breaker still decides).
   */
  Optional<String> heldBy(String provider) {
    SharedBreakers breakers = ports.breakers();
    Optional<SharedBreakerState> state = breakers.state(provider);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    SharedBreakerState s = state.get();
    if (s.phase() == BreakerPhase.CLOSED
        || s.by().equals(ports.view().localNodeId())
        || breakers.probeOwner(provider)) {
      return Optional.empty();
    }
    return Optional.of(s.by());
  }
}
