package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.cluster.BreakerPhase;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.cluster.LocalTaskQueue;
import io.nxs.core.cluster.SharedBreakerState;
import io.nxs.core.cluster.SharedBreakers;
import io.nxs.core.cluster.SingleNode;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Which instance's open breaker holds a provider here (CL7): another's OPEN or HALF_OPEN does,
 * unless this instance owns the half-open probe; CLOSED or this instance's own state never does.
 */
class ClusterBreakersTest {

  /** Shared breakers as another instance would have published them; the probe owner is set. */
  static final class Board implements SharedBreakers {
    final Map<String, SharedBreakerState> states = new ConcurrentHashMap<>();
    volatile boolean owner;

    @Override
    public void publish(SharedBreakerState state) {
      states.put(state.provider(), state);
    }

    @Override
    public Optional<SharedBreakerState> state(String provider) {
      return Optional.ofNullable(states.get(provider));
    }

    @Override
    public boolean probeOwner(String provider) {
      return owner;
    }

    @Override
    public AutoCloseable watchBreakers(Consumer<SharedBreakerState> listener) {
      return () -> {};
    }
  }

  private final Board board = new Board();
  private final ClusterBreakers breakers;

  ClusterBreakersTest() {
    ClusterPorts ports = new ClusterPorts("a");
    SingleNode a = new SingleNode("a");
    ports.install(a, a, board, new LocalTaskQueue("a"), a);
    breakers = new ClusterBreakers(ports, Clock.systemUTC());
  }

  private void published(String by, BreakerPhase phase) {
    board.publish(new SharedBreakerState("kimi", phase, by, Instant.EPOCH));
  }

  @Test
  void anotherInstancesOpenOrHalfOpenBreakerHoldsTheProvider() {
    published("b", BreakerPhase.OPEN);
    assertThat(breakers.heldBy("kimi")).hasValue("b");

    published("b", BreakerPhase.HALF_OPEN);
    assertThat(breakers.heldBy("kimi")).hasValue("b");
  }

  @Test
  void aClosedBreakerThisInstancesOwnStateOrOwningTheProbeHoldsNothing() {
    assertThat(breakers.heldBy("kimi")).isEmpty();

    published("b", BreakerPhase.CLOSED);
    assertThat(breakers.heldBy("kimi")).isEmpty();

    published("a", BreakerPhase.OPEN);
    assertThat(breakers.heldBy("kimi")).isEmpty();

    published("b", BreakerPhase.OPEN);
    board.owner = true; // b stopped taking work: this instance sends the probe now
    assertThat(breakers.heldBy("kimi")).isEmpty();
  }
}
