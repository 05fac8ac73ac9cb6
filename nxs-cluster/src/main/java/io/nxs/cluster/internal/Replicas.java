package io.nxs.cluster.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * NXS's shared maps on Pekko Distributed Data: last-writer-wins maps of JSON text, each entry
 * stamped by a clock the caller chooses (a version, a token, a time), so "last" means "most
 * advanced" where that matters.
 *
 * <p>Reads of the local replica are immediate; writes that must not be lost go to a majority
 * (paired with majority reads where the seed needs consistency).
 */
final class Replicas {

  static final Key<LWWMap<String, String>> REPORTS = LWWMapKey.create("nxs-reports");
  static final Key<LWWMap<String, String>> TASKS = LWWMapKey.create("nxs-tasks");
  static final Key<LWWMap<String, String>> MOVES = LWWMapKey.create("nxs-moves");
  static final Key<LWWMap<String, String>> LEASE = LWWMapKey.create("nxs-lease");
  static final Key<LWWMap<String, String>> BREAKERS = LWWMapKey.create("nxs-breakers");
  static final Key<LWWMap<String, String>> STATE = LWWMapKey.create("nxs-state");
  static final Key<LWWMap<String, String>> CONFLICTS = LWWMapKey.create("nxs-conflicts");

  /**
   * The keys kept in the node's state database across restarts (ADR 0072): what was acknowledged —
   * the task queue and its hand-over requests, the agent lease with its fencing token, shared state
   * and the review queue. Presence and scores ({@link #REPORTS}) and breaker states are fresh after
   * a restart by nature.
   */
  static final List<String> DURABLE =
      List.of(TASKS.id(), MOVES.id(), LEASE.id(), STATE.id(), CONFLICTS.id());

  /** How long a local read or write may take before something is badly wrong. */
  private static final Duration LOCAL = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;

  Replicas(ActorSystem<?> system) {
    this.system = system;
    // DESIGN.md: DistributedData.get on every node, or the replicator is never started there.
    DistributedData dd = DistributedData.get(system);
    this.replicator = dd.replicator();
    this.self = dd.selfUniqueAddress();
  }

  /** The local replica's entries, empty when the map was never written. */
  Map<String, String> local(Key<LWWMap<String, String>> key) {
    return await(read(key, Replicator.readLocal()), LOCAL).orElse(Map.of());
  }

  /** The entries as a majority has them (or the local ones, if no majority answers in time). */
  CompletionStage<Optional<Map<String, String>>> readMajority(
      Key<LWWMap<String, String>> key, Duration timeout) {
    return read(key, new Replicator.ReadMajority(timeout));
  }

  private CompletionStage<Optional<Map<String, String>>> read(
      Key<LWWMap<String, String>> key, Replicator.ReadConsistency consistency) {
    CompletionStage<Replicator.GetResponse<LWWMap<String, String>>> reply =
        AskPattern.ask(
            replicator,
            (ActorRef<Replicator.GetResponse<LWWMap<String, String>>> to) ->
                new Replicator.Get<>(key, consistency, to),
            LOCAL.plusSeconds(5),
            system.scheduler());
    return reply.thenApply(
        r -> {
          if (r instanceof Replicator.GetSuccess<LWWMap<String, String>> ok) {
            return Optional.of(Map.copyOf(ok.get(key).getEntries()));
          }
          if (r instanceof Replicator.NotFound<LWWMap<String, String>>) {
            return Optional.of(Map.of());
          }
          return Optional.empty(); // GetFailure: no majority in time
        });
  }

  /**
   * Writes entries; each entry's clock is its value's stamp.
   *
   * @return completes with true when the consistency was reached, false on a timeout (the write
   *     stays in the local replica and spreads when the others are reachable)
   */
  CompletionStage<Boolean> put(
      Key<LWWMap<String, String>> key,
      Map<String, Stamped> entries,
      Replicator.WriteConsistency consistency) {
    return update(
        key,
        consistency,
        map -> {
          LWWMap<String, String> next = map;
          for (Map.Entry<String, Stamped> e : entries.entrySet()) {
            long stamp = e.getValue().stamp();
            LWWRegister.Clock<String> clock = (current, value) -> stamp;
            next = next.put(self, e.getKey(), e.getValue().json(), clock);
          }
          return next;
        });
  }

  /** Writes with a function of the current local map (for conditional writes). */
  CompletionStage<Boolean> update(
      Key<LWWMap<String, String>> key,
      Replicator.WriteConsistency consistency,
      UnaryOperator<LWWMap<String, String>> modify) {
    CompletionStage<Replicator.UpdateResponse<LWWMap<String, String>>> reply =
        AskPattern.ask(
            replicator,
            (ActorRef<Replicator.UpdateResponse<LWWMap<String, String>>> to) ->
                new Replicator.Update<>(key, LWWMap.create(), consistency, to, modify::apply),
            LOCAL.plusSeconds(10),
            system.scheduler());
    return reply.thenApply(r -> r instanceof Replicator.UpdateSuccess);
  }

  SelfUniqueAddress self() {
    return self;
  }

  static <T> T await(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the cluster", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the cluster's replicator did not answer: " + e, e);
    }
  }

  static <T> CompletableFuture<T> failed(Throwable t) {
    return CompletableFuture.failedFuture(t);
  }

  /**
   * A JSON value with its LWW stamp.
   *
   * @param json the value
   * @param stamp larger wins on merge (ties go to the higher node address)
   */
  record Stamped(String json, long stamp) {}
}
