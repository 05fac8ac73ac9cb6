package io.nxs.cluster.internal;

import io.nxs.cluster.ClusterAlert;
import io.nxs.cluster.heal.Conflict;
import io.nxs.cluster.heal.HealPlanner;
import io.nxs.cluster.heal.HealReport;
import io.nxs.cluster.heal.Resolution;
import io.nxs.cluster.heal.Side;
import io.nxs.cluster.heal.Written;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.cluster.SharedKind;
import io.nxs.core.cluster.SharedState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared values (SPEC CL5) and the heal after a split (CL6).
 *
 * <p>On the majority side a write goes to the shared map on a majority. On the minority side,
 * configuration, identity and secrets are written apart — visible on this node only — because
 * merging them blindly when the sides meet would let the losing side win by a later clock; chat
 * messages still go to the shared map (last writer wins is their rule). When the node is back on
 * the majority side (the link healed, or it was downed and joined again), it runs the four phases:
 * (1) pick the winning side from both sides' size and weight, (2) compare what it wrote apart with
 * the shared values a majority holds, (3) settle chat, configuration and one-sided values
 * automatically, (4) queue identity and secret conflicts for a person, while the cluster runs on
 * the shared values.
 */
final class SharedValues implements SharedState {

  private static final Logger LOG = LoggerFactory.getLogger(SharedValues.class);
  private static final Duration MAJORITY = Duration.ofSeconds(3);

  private final ClusterNode node;
  private volatile Map<String, Written> shared = Map.of();
  private volatile Map<String, Conflict> conflicts = Map.of();
  private final List<Written> apart = new CopyOnWriteArrayList<>();
  private volatile boolean apartMode;
  private volatile Map<String, Integer> apartSide = Map.of();
  private volatile Optional<HealReport> lastHeal = Optional.empty();
  private boolean healing;

  SharedValues(ClusterNode node) {
    this.node = node;
  }

  void tick(Incarnation inc) {
    shared = parse(inc.replicas.local(Replicas.STATE), Written.class);
    conflicts = parse(inc.replicas.local(Replicas.CONFLICTS), Conflict.class);
  }

  private static <T> Map<String, T> parse(Map<String, String> raw, Class<T> type) {
    Map<String, T> out = new HashMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      try {
        out.put(e.getKey(), Json.mapper().readValue(e.getValue(), type));
      } catch (java.io.IOException | RuntimeException ex) {
        LOG.debug("skipped a malformed shared value under '{}'", e.getKey());
      }
    }
    return Map.copyOf(out);
  }

  @Override
  public void put(SharedKind kind, String key, String value) {
    if (key == null || key.isBlank() || value == null) {
      throw new NxsException("a shared value needs a key and a value");
    }
    Written w = new Written(kind, key, value, node.config.nodeId(), node.clock.instant());
    if (apartMode) {
      apart.add(w);
      if (kind == SharedKind.CHAT) {
        write(w, Replicator.writeLocal());
      }
      return;
    }
    boolean ok =
        Replicas.await(write(w, new Replicator.WriteMajority(MAJORITY)), MAJORITY.plusSeconds(5));
    if (ok) {
      // Confirmed by a majority: it supersedes what this node kept apart under that key before.
      apart.removeIf(a -> a.kind() == kind && a.key().equals(key) && !a.at().isAfter(w.at()));
    } else {
      // No majority answered: the value is apart until a heal settles it (if this node turns out
      // to be cut off) or a later confirmed write of the key supersedes it (if it was only slow).
      apart.add(w);
    }
  }

  private java.util.concurrent.CompletionStage<Boolean> write(
      Written w, Replicator.WriteConsistency c) {
    String key = HealPlanner.keyOf(w.kind(), w.key());
    return node.incarnation()
        .replicas
        .put(
            Replicas.STATE,
            Map.of(key, new Replicas.Stamped(Json.write(w), w.at().toEpochMilli())),
            c);
  }

  @Override
  public Optional<String> get(SharedKind kind, String key) {
    // The newest of what this node wrote apart and what the cluster shares: an apart value must
    // not shadow a later write that reached this node through the cluster.
    Optional<Written> mine =
        apart.stream()
            .filter(w -> w.kind() == kind && w.key().equals(key))
            .max(Comparator.comparing(Written::at));
    Optional<Written> cluster = Optional.ofNullable(shared.get(HealPlanner.keyOf(kind, key)));
    if (mine.isPresent() && (cluster.isEmpty() || !cluster.get().at().isAfter(mine.get().at()))) {
      return mine.map(Written::value);
    }
    return cluster.map(Written::value);
  }

  /** This node lost the majority: later writes are kept apart for the heal. */
  void leftMajority(Map<String, Integer> side) {
    if (!apartMode) {
      apartMode = true;
      apartSide = Map.copyOf(side);
    }
  }

  /** This node is on the majority side again: heal if it wrote anything apart. */
  void rejoinedMajority() {
    if (!apartMode || healing) {
      return;
    }
    healing = true;
    Map<String, Integer> mySide = apartSide;
    Map<String, Integer> others = new TreeMap<>(node.allMembers());
    mySide.keySet().forEach(others::remove);
    Incarnation inc = node.incarnation();
    // Phase 2 reads what a majority holds, so the comparison is against the winning side's state.
    inc.replicas
        .readMajority(Replicas.STATE, MAJORITY)
        .whenComplete(
            (seen, error) ->
                node.onLoop(
                    () -> {
                      healing = false;
                      if (error != null || seen.isEmpty()) {
                        LOG.warn("heal: no majority answered; trying again on the next change");
                        return;
                      }
                      heal(mySide, others, parse(seen.get(), Written.class));
                    }));
  }

  private void heal(
      Map<String, Integer> mySide, Map<String, Integer> others, Map<String, Written> now) {
    Instant started = node.clock.instant();
    // Phase 1: exchange of partition metadata — both sides' members and weights.
    Side mine = Side.of(mySide);
    Side theirs = others.isEmpty() ? mine : Side.of(others);
    boolean apartWon = !others.isEmpty() && Side.winner(mine, theirs) == mine;
    List<Written> written = List.copyOf(apart);
    // Phases 2 and 3.
    List<Resolution> plan = HealPlanner.plan(written, now, apartWon);
    int applied = 0;
    int kept = 0;
    Map<String, Replicas.Stamped> reviews = new LinkedHashMap<>();
    for (Resolution r : plan) {
      switch (r) {
        case Resolution.Apply a -> {
          applied++;
          write(a.apart(), new Replicator.WriteMajority(MAJORITY));
        }
        case Resolution.Keep k -> kept++;
        case Resolution.Review v -> {
          // Phase 4: a person decides; the shared value stays meanwhile.
          Conflict c = Conflict.of(v, started);
          reviews.put(c.id(), new Replicas.Stamped(Json.write(c), 1));
        }
      }
    }
    if (!reviews.isEmpty()) {
      node.incarnation()
          .replicas
          .put(Replicas.CONFLICTS, reviews, new Replicator.WriteMajority(MAJORITY));
    }
    apart.removeAll(written);
    apartMode = false;
    HealReport report =
        new HealReport(
            node.clock.instant(),
            node.config.nodeId(),
            List.copyOf((apartWon ? mine : theirs).members().keySet()),
            List.copyOf((apartWon ? theirs : mine).members().keySet()),
            written.size(),
            applied,
            kept,
            reviews.size());
    lastHeal = Optional.of(report);
    node.record(
        "cluster.heal",
        reviews.isEmpty() ? Severity.INFO : Severity.MEDIUM,
        node.config.nodeId(),
        Map.of(
            "winner", report.winner(),
            "loser", report.loser(),
            "compared", report.compared(),
            "applied", applied,
            "kept", kept,
            "review", reviews.size()));
    if (!reviews.isEmpty()) {
      node.events.publish(
          new ClusterAlert(
              report.at(),
              "review",
              node.config.nodeId(),
              reviews.size()
                  + " conflict(s) after a split wait for review: nxs cluster conflicts"));
    }
    LOG.info(
        "heal: compared {}, applied {}, kept {}, queued {} for review",
        written.size(),
        applied,
        kept,
        reviews.size());
  }

  /** Every conflict, pending first, newest first. */
  List<Conflict> conflicts() {
    List<Conflict> all = new ArrayList<>(conflicts.values());
    all.sort(
        Comparator.comparing((Conflict c) -> c.status() != Conflict.Status.PENDING)
            .thenComparing(Conflict::detectedAt, Comparator.reverseOrder()));
    return all;
  }

  Optional<HealReport> lastHeal() {
    return lastHeal;
  }

  /**
   * Settles a conflict: approve takes the value the other side wrote, reject keeps the shared one.
   *
   * @throws NxsException when there is no such pending conflict, or no majority stores the decision
   */
  Conflict decide(String id, boolean approve, String by) {
    Conflict c = conflicts.get(id);
    if (c == null) {
      throw new NxsException("no conflict '" + id + "' (see nxs cluster conflicts)");
    }
    if (c.status() != Conflict.Status.PENDING) {
      throw new NxsException(
          "conflict '"
              + id
              + "' was already "
              + c.status().name().toLowerCase(java.util.Locale.ROOT)
              + " by "
              + c.decidedBy());
    }
    Conflict decided = c.decided(approve, by);
    Incarnation inc = node.incarnation();
    if (approve) {
      Written w = new Written(c.kind(), c.key(), c.proposed(), by, node.clock.instant());
      if (!Replicas.await(
          write(w, new Replicator.WriteMajority(MAJORITY)), MAJORITY.plusSeconds(5))) {
        throw new NxsException("the decision was not stored on a majority; try again");
      }
    }
    boolean ok =
        Replicas.await(
            inc.replicas.put(
                Replicas.CONFLICTS,
                Map.of(id, new Replicas.Stamped(Json.write(decided), 2)),
                new Replicator.WriteMajority(MAJORITY)),
            MAJORITY.plusSeconds(5));
    if (!ok) {
      throw new NxsException("the decision was not stored on a majority; try again");
    }
    Map<String, Conflict> copy = new HashMap<>(conflicts);
    copy.put(id, decided);
    conflicts = Map.copyOf(copy);
    node.record(
        approve ? "cluster.conflict_approved" : "cluster.conflict_rejected",
        Severity.INFO,
        c.kind().name().toLowerCase(java.util.Locale.ROOT) + "/" + c.key(),
        Map.of("conflict", id, "by", by));
    return decided;
  }
}
