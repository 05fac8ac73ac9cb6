package io.nxs.core.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The cluster ports for an instance that runs alone (the default, {@code cluster.enabled: false}):
 * one ACTIVE member, always on the majority side, always the agent's primary and every breaker's
 * probe owner; shared state in memory.
 */
public final class SingleNode implements ClusterView, PrimaryLease, SharedBreakers, SharedState {

  private final String nodeId;
  private final LeaseGrant grant;
  private final Map<String, SharedBreakerState> breakers = new ConcurrentHashMap<>();
  private final Map<SharedKind, Map<String, String>> values = new ConcurrentHashMap<>();

  /**
   * @param nodeId this instance's id
   */
  public SingleNode(String nodeId) {
    this.nodeId = nodeId;
    this.grant = new LeaseGrant(nodeId, 1);
  }

  /**
   * The host name, from {@code $HOSTNAME} or the kernel, never from DNS (which can stall a start);
   * {@code localhost} when neither tells.
   */
  public static String hostName() {
    String name = System.getenv("HOSTNAME");
    if (name != null && !name.isBlank()) {
      return name.strip();
    }
    try {
      String kernel =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
              .strip();
      return kernel.isEmpty() ? "localhost" : kernel;
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return "localhost"; // not Linux: a name only for display
    }
  }

  @Override
  public String localNodeId() {
    return nodeId;
  }

  @Override
  public boolean clustered() {
    return false;
  }

  @Override
  public List<ClusterMember> members() {
    return List.of(new ClusterMember(nodeId, NodeState.ACTIVE, 1.0, "", Set.of(), "", true));
  }

  @Override
  public boolean onMajoritySide() {
    return true;
  }

  @Override
  public boolean acceptsWork() {
    return true;
  }

  @Override
  public Optional<ClusterMember> peerFor(PeerRequest request) {
    return Optional.empty();
  }

  @Override
  public Optional<LeaseGrant> held() {
    return Optional.of(grant);
  }

  @Override
  public Optional<String> holder() {
    return Optional.of(nodeId);
  }

  @Override
  public AutoCloseable watch(Consumer<Optional<LeaseGrant>> listener) {
    listener.accept(held());
    return () -> {};
  }

  @Override
  public void publish(SharedBreakerState state) {
    breakers.put(state.provider(), state);
  }

  @Override
  public Optional<SharedBreakerState> state(String provider) {
    return Optional.ofNullable(breakers.get(provider));
  }

  @Override
  public boolean probeOwner(String provider) {
    return true;
  }

  /** No other instance publishes: the listener is never called. */
  @Override
  public AutoCloseable watchBreakers(Consumer<SharedBreakerState> listener) {
    return () -> {};
  }

  @Override
  public void put(SharedKind kind, String key, String value) {
    values.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).put(key, value);
  }

  @Override
  public Optional<String> get(SharedKind kind, String key) {
    return Optional.ofNullable(values.getOrDefault(kind, Map.of()).get(key));
  }
}
