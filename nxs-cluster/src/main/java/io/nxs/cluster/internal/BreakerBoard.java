package io.nxs.cluster.internal;

import io.nxs.core.Json;
import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.SharedBreakerState;
import io.nxs.core.cluster.SharedBreakers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * Provider breaker states shared across the cluster. A change is written to every reachable node at
 * once (not left to gossip), so the others see an open breaker within a tick of the loop plus a
 * network round trip — well under the 2 s the gateway needs. The probe owner of a half-open breaker
 * is the node that opened it while it is healthy, else the lowest-id healthy node: every node
 * computes the same owner from the same view, so exactly one sends the probe.
 */
final class BreakerBoard implements SharedBreakers {

  private static final Duration PUSH = Duration.ofSeconds(1);

  private final ClusterNode node;
  private final List<Consumer<SharedBreakerState>> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, SharedBreakerState> states = Map.of();

  BreakerBoard(ClusterNode node) {
    this.node = node;
  }

  void tick(Incarnation inc) {
    Map<String, SharedBreakerState> next = new HashMap<>();
    for (Map.Entry<String, String> e : inc.replicas.local(Replicas.BREAKERS).entrySet()) {
      try {
        SharedBreakerState s = Json.mapper().readValue(e.getValue(), SharedBreakerState.class);
        next.put(e.getKey(), s);
      } catch (java.io.IOException | RuntimeException expected) {
        // A malformed entry from another build is skipped: one bad entry must not stop the
        // others from being read (BadInputTest gossips such entries).
      }
    }
    Map<String, SharedBreakerState> before = states;
    states = Map.copyOf(next);
    for (SharedBreakerState s : next.values()) {
      if (!s.equals(before.get(s.provider())) && !s.by().equals(node.config.nodeId())) {
        ClusterNode.notifyAll(listeners, s);
      }
    }
  }

  @Override
  public void publish(SharedBreakerState state) {
    Map<String, SharedBreakerState> copy = new HashMap<>(states);
    copy.put(state.provider(), state);
    states = Map.copyOf(copy);
    node.incarnation()
        .replicas
        .put(
            Replicas.BREAKERS,
            Map.of(
                state.provider(),
                new Replicas.Stamped(Json.write(state), state.at().toEpochMilli())),
            new Replicator.WriteAll(PUSH));
  }

  @Override
  public Optional<SharedBreakerState> state(String provider) {
    return Optional.ofNullable(states.get(provider));
  }

  @Override
  public boolean probeOwner(String provider) {
    List<String> healthy =
        node.members().stream()
            .map(ClusterMember::nodeId)
            .filter(node.takingWork()::contains)
            .sorted()
            .toList();
    SharedBreakerState s = states.get(provider);
    String owner;
    if (s != null && healthy.contains(s.by())) {
      owner = s.by();
    } else if (!healthy.isEmpty()) {
      owner = healthy.getFirst();
    } else {
      owner = node.config.nodeId(); // nobody healthy: probing is how this node finds out
    }
    return owner.equals(node.config.nodeId());
  }

  @Override
  public AutoCloseable watchBreakers(Consumer<SharedBreakerState> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
