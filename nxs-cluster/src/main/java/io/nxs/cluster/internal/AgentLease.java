package io.nxs.cluster.internal;

import io.nxs.core.Severity;
import io.nxs.core.cluster.LeaseGrant;
import io.nxs.core.cluster.PrimaryLease;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * One primary for the agent (the OpenClaw gateway and its chat channels), under a cluster lease
 * with a fencing token.
 *
 * <p>The coordinator grants the lease, with the next token, only when nobody holds it: never
 * granted, released by its holder, or its holder removed from the cluster — which Pekko's Split
 * Brain Resolver does only after the holder's side has downed itself ({@code stable-after}) and the
 * removal margin passed. The holder counts the lease as held only while it is on the majority side
 * and the shared record names it, so a holder cut off from the majority drops it within the failure
 * detector's few seconds, long before anyone else can be granted it: never two primaries.
 */
final class AgentLease implements PrimaryLease {

  private static final Duration MAJORITY = Duration.ofSeconds(3);

  private final ClusterNode node;
  private final List<Consumer<Optional<LeaseGrant>>> listeners = new CopyOnWriteArrayList<>();
  private volatile Optional<LeaseGrant> held = Optional.empty();
  private volatile Optional<LeaseRecord> record = Optional.empty();
  private boolean granting;

  AgentLease(ClusterNode node) {
    this.node = node;
  }

  void tick(Incarnation inc) {
    record =
        Optional.ofNullable(inc.replicas.local(Replicas.LEASE).get(LeaseRecord.KEY))
            .flatMap(LeaseRecord::parse);
    Optional<LeaseGrant> now =
        record
            .filter(r -> !r.released())
            .filter(r -> r.holder().equals(node.config.nodeId()) && r.holderUid() == inc.uid)
            .filter(r -> node.onMajoritySide() && !node.isLeaving())
            .map(r -> new LeaseGrant(r.holder(), r.token()));
    if (!now.equals(held)) {
      Optional<LeaseGrant> before = held;
      held = now;
      node.record(
          now.isPresent() ? "cluster.lease_held" : "cluster.lease_dropped",
          Severity.INFO,
          node.config.nodeId(),
          Map.of("token", now.or(() -> before).map(LeaseGrant::fencingToken).orElse(0L)));
      ClusterNode.notifyAll(listeners, now);
    }
    if (node.coordinator() && !granting) {
      grantIfFree(inc);
    }
  }

  private void grantIfFree(Incarnation inc) {
    Map<String, Long> uids = node.uids();
    boolean free =
        record.isEmpty()
            || record.get().released()
            || !uids.containsValue(record.get().holderUid());
    if (!free) {
      return;
    }
    Optional<String> next =
        node.members().stream()
            .filter(m -> node.takingWork().contains(m.nodeId()))
            .max(
                java.util.Comparator.comparingDouble(
                        (io.nxs.core.cluster.ClusterMember m) -> m.score())
                    .thenComparing(
                        io.nxs.core.cluster.ClusterMember::nodeId,
                        java.util.Comparator.reverseOrder()))
            .map(io.nxs.core.cluster.ClusterMember::nodeId);
    if (next.isEmpty() || !uids.containsKey(next.get())) {
      return;
    }
    granting = true;
    // The token must exceed every token ever granted: read a majority before writing one.
    inc.replicas
        .readMajority(Replicas.LEASE, MAJORITY)
        .thenCompose(
            seen -> {
              if (seen.isEmpty()) {
                return java.util.concurrent.CompletableFuture.completedFuture(false);
              }
              Optional<LeaseRecord> onMajority =
                  Optional.ofNullable(seen.get().get(LeaseRecord.KEY)).flatMap(LeaseRecord::parse);
              // This node's replica may lag (a new coordinator): a majority still naming a live
              // holder means the lease is not free after all.
              if (onMajority.isPresent()
                  && !onMajority.get().released()
                  && uids.containsValue(onMajority.get().holderUid())) {
                return java.util.concurrent.CompletableFuture.completedFuture(false);
              }
              long highest =
                  Math.max(
                      onMajority.map(LeaseRecord::token).orElse(0L),
                      record.map(LeaseRecord::token).orElse(0L));
              LeaseRecord grant =
                  new LeaseRecord(
                      next.get(), uids.get(next.get()), highest + 1, node.clock.instant());
              node.record(
                  "cluster.lease_granted",
                  Severity.INFO,
                  grant.holder(),
                  Map.of("token", grant.token()));
              return inc.replicas.put(
                  Replicas.LEASE,
                  Map.of(LeaseRecord.KEY, new Replicas.Stamped(grant.json(), grant.stamp())),
                  new Replicator.WriteMajority(MAJORITY));
            })
        .whenComplete((ok, error) -> node.onLoop(() -> granting = false));
  }

  /** Gives the lease back (a graceful leave): dropped locally first, then the release is shared. */
  void release() {
    Optional<LeaseGrant> mine = held;
    held = Optional.empty();
    ClusterNode.notifyAll(listeners, Optional.empty());
    Incarnation inc = node.incarnation();
    mine.ifPresent(
        g -> {
          LeaseRecord released = new LeaseRecord("", 0, g.fencingToken(), node.clock.instant());
          Replicas.await(
              inc.replicas.put(
                  Replicas.LEASE,
                  Map.of(LeaseRecord.KEY, new Replicas.Stamped(released.json(), released.stamp())),
                  new Replicator.WriteMajority(MAJORITY)),
              MAJORITY.plusSeconds(5));
          node.record(
              "cluster.lease_released",
              Severity.INFO,
              g.holder(),
              Map.of("token", g.fencingToken()));
        });
  }

  @Override
  public Optional<LeaseGrant> held() {
    return held;
  }

  @Override
  public Optional<String> holder() {
    return record.filter(r -> !r.released()).map(LeaseRecord::holder);
  }

  /** The current token in the shared record, 0 when never granted. */
  long token() {
    return record.map(LeaseRecord::token).orElse(0L);
  }

  @Override
  public AutoCloseable watch(Consumer<Optional<LeaseGrant>> listener) {
    listeners.add(listener);
    listener.accept(held);
    return () -> listeners.remove(listener);
  }
}
