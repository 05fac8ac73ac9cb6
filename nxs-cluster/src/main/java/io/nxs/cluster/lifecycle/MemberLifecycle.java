package io.nxs.cluster.lifecycle;

import io.nxs.cluster.lifecycle.Lifecycle.Active;
import io.nxs.cluster.lifecycle.Lifecycle.Degraded;
import io.nxs.cluster.lifecycle.Lifecycle.Failed;
import io.nxs.cluster.lifecycle.Lifecycle.Gone;
import io.nxs.cluster.lifecycle.Lifecycle.Joining;
import io.nxs.cluster.lifecycle.Lifecycle.Leaving;
import io.nxs.cluster.lifecycle.Lifecycle.Zombie;
import io.nxs.core.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The lifecycle of one instance (SPEC CL2, seed 001 §3), driven by signals and an injected clock,
 * so every timed rule is tested by moving a clock rather than by waiting.
 *
 * <p>Rules: JOINING → ACTIVE after 3 consecutive heartbeats (DEGRADED instead when the third is
 * unhealthy; losing reachability breaks the run); no 3 heartbeats within 2 minutes → FAILED, forced
 * out and refused for 10 minutes. ACTIVE → DEGRADED on an unhealthy heartbeat, back after 5
 * consecutive healthy ones. ACTIVE or DEGRADED → ZOMBIE when no heartbeat came for 30 s while Pekko
 * still reaches the instance (its process answers, NXS in it does not); a zombie is forced out
 * after 60 s (which releases its leases) unless its heartbeat comes back, when it is DEGRADED until
 * proven healthy. LEAVING → GONE when its work is handed over or Pekko removed it. Flapping — more
 * than 3 transitions within 5 minutes — holds the instance out of work for 1, then 5, then 15
 * minutes (re-admission backoff) and tells a person; a quiet hour resets the backoff.
 *
 * <p>Not thread-safe: one owner feeds it, in order.
 */
public final class MemberLifecycle {

  static final int JOIN_BEATS = 3;
  static final int RECOVER_BEATS = 5;
  static final Duration SLOW_JOIN = Duration.ofMinutes(2);
  static final Duration REFUSAL = Duration.ofMinutes(10);
  static final Duration ZOMBIE_AFTER = Duration.ofSeconds(30);
  static final Duration ZOMBIE_GRACE = Duration.ofSeconds(60);
  static final Duration FLAP_WINDOW = Duration.ofMinutes(5);
  static final int FLAP_TRANSITIONS = 3;
  static final List<Duration> BACKOFF =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15));
  static final Duration BACKOFF_RESET = Duration.ofHours(1);

  private final String nodeId;
  private final Clock clock;
  private Lifecycle current;
  private Instant lastBeat;
  private boolean reachable = true;
  private boolean forcedOut;
  private final Deque<Instant> recentTransitions = new ArrayDeque<>();
  private int flapEpisodes;
  private Instant lastFlap = Instant.MIN;
  private Instant heldUntil = Instant.MIN;

  /** A lifecycle that starts JOINING now. */
  public MemberLifecycle(String nodeId, Clock clock) {
    this.nodeId = nodeId;
    this.clock = clock;
    Instant now = clock.instant();
    this.current = new Joining(now, 0);
    this.lastBeat = now;
  }

  /** The current state. */
  public Lifecycle current() {
    return current;
  }

  /** The instance's id. */
  public String nodeId() {
    return nodeId;
  }

  /** Whether the instance is held out of work by the flapping backoff now. */
  public boolean heldOut() {
    return clock.instant().isBefore(heldUntil);
  }

  /** Whether Pekko's failure detector reaches the instance. */
  public boolean reachable() {
    return reachable;
  }

  /** Whether the instance may be given work now: ACTIVE or DEGRADED, reachable, not held out. */
  public boolean takesWork() {
    return current.state().takesWork() && reachable && !heldOut();
  }

  /**
   * Feeds one signal.
   *
   * @return what was decided, in order; empty when nothing changed
   */
  public List<Outcome> on(Signal signal) {
    Instant now = clock.instant();
    List<Outcome> out = new ArrayList<>();
    switch (signal) {
      case Signal.Beat beat -> {
        lastBeat = now;
        onBeat(beat.healthy(), beat.why(), now, out);
      }
      case Signal.Tick tick -> onTick(now, out);
      case Signal.Joined joined -> onJoined(now, out);
      case Signal.Leave leave -> {
        if (current instanceof Joining
            || current instanceof Active
            || current instanceof Degraded
            || current instanceof Zombie) {
          move(new Leaving(now), "graceful leave started", now, out);
        }
      }
      case Signal.HandedOver handedOver -> {
        if (current instanceof Leaving) {
          move(new Gone(now, "left; work handed over"), "work handed over, state synced", now, out);
        }
      }
      case Signal.Reachability r -> {
        reachable = r.reachable();
        if (!reachable && current instanceof Joining j) {
          current = new Joining(j.since(), 0); // its heartbeats are no longer in a row
        }
      }
      case Signal.Removed removed -> {
        if (!(current instanceof Gone) && !(current instanceof Failed)) {
          move(new Gone(now, removed.reason()), removed.reason(), now, out);
        }
        reachable = false;
      }
    }
    return out;
  }

  private void onBeat(boolean healthy, String why, Instant now, List<Outcome> out) {
    switch (current) {
      case Joining j -> {
        // Seed 001: JOINING -> ACTIVE after 3 consecutive *successful* heartbeats. Whether they
        // are healthy is the ACTIVE/DEGRADED rule's question: a member answering slowly is
        // DEGRADED (it takes work, down-weighted), not JOINING until it fails.
        int beats = j.beats() + 1;
        if (beats >= JOIN_BEATS && !now.isBefore(heldUntil)) {
          if (healthy) {
            move(new Active(now), JOIN_BEATS + " heartbeats in a row", now, out);
          } else {
            move(
                new Degraded(now, 0),
                JOIN_BEATS + " heartbeats in a row, the last unhealthy (" + why + ")",
                now,
                out);
          }
        } else {
          current = new Joining(j.since(), Math.min(beats, JOIN_BEATS));
        }
      }
      case Active a -> {
        if (!healthy) {
          move(new Degraded(now, 0), "unhealthy heartbeat (" + why + ")", now, out);
        }
      }
      case Degraded d -> {
        int good = healthy ? d.goodBeats() + 1 : 0;
        if (good >= RECOVER_BEATS && !now.isBefore(heldUntil)) {
          move(new Active(now), RECOVER_BEATS + " healthy heartbeats", now, out);
        } else {
          current = new Degraded(d.since(), Math.min(good, RECOVER_BEATS));
        }
      }
      case Zombie z -> {
        forcedOut = false;
        move(new Degraded(now, healthy ? 1 : 0), "heartbeat came back", now, out);
      }
      case Leaving l -> {}
      case Gone g -> {}
      case Failed f -> {}
    }
  }

  private void onTick(Instant now, List<Outcome> out) {
    switch (current) {
      case Joining j -> {
        Instant from = j.since().isAfter(heldUntil) ? j.since() : heldUntil;
        if (!now.isBefore(from.plus(SLOW_JOIN))) {
          Instant until = now.plus(REFUSAL);
          move(
              new Failed(now, until), "not ACTIVE within " + Durations.format(SLOW_JOIN), now, out);
          out.add(
              new Outcome.ForceOut(
                  nodeId,
                  "did not become ACTIVE within "
                      + Durations.format(SLOW_JOIN)
                      + "; refused for "
                      + Durations.format(REFUSAL)));
        }
      }
      case Active a -> checkSilence(now, out);
      case Degraded d -> checkSilence(now, out);
      case Zombie z -> {
        if (!forcedOut && !now.isBefore(z.since().plus(ZOMBIE_GRACE))) {
          forcedOut = true;
          out.add(
              new Outcome.ForceOut(
                  nodeId,
                  "zombie for "
                      + Durations.format(ZOMBIE_GRACE)
                      + ": heartbeat lost while its connections stay alive"));
        }
      }
      case Leaving l -> {}
      case Gone g -> {}
      case Failed f -> {}
    }
  }

  private void checkSilence(Instant now, List<Outcome> out) {
    if (reachable && !now.isBefore(lastBeat.plus(ZOMBIE_AFTER))) {
      move(
          new Zombie(now),
          "no heartbeat for " + Durations.format(ZOMBIE_AFTER) + " while reachable",
          now,
          out);
    }
  }

  private void onJoined(Instant now, List<Outcome> out) {
    reachable = true;
    lastBeat = now;
    switch (current) {
      case Failed f when now.isBefore(f.refusedUntil()) ->
          out.add(
              new Outcome.ForceOut(
                  nodeId,
                  "refused until "
                      + f.refusedUntil()
                      + ": it did not become ACTIVE in time before"));
      case Failed f -> move(new Joining(now, 0), "joined again after its refusal", now, out);
      case Gone g -> move(new Joining(now, 0), "joined again", now, out);
      // A new incarnation of a member still joining (it, or the node watching it, was downed and
      // started again): its join starts now. The earlier one's clock would fail it for time
      // spent in an actor system that no longer exists.
      case Joining j -> current = new Joining(now, 0);
      default -> {} // already a member: Pekko repeats itself on a new subscription
    }
  }

  private void move(Lifecycle next, String reason, Instant now, List<Outcome> out) {
    Lifecycle from = current;
    current = next;
    forcedOut = forcedOut && next instanceof Zombie;
    out.add(new Outcome.Transition(nodeId, from.state(), next.state(), reason));
    countForFlapping(now, out);
  }

  private void countForFlapping(Instant now, List<Outcome> out) {
    recentTransitions.addLast(now);
    while (!recentTransitions.isEmpty()
        && recentTransitions.peekFirst().isBefore(now.minus(FLAP_WINDOW))) {
      recentTransitions.removeFirst();
    }
    if (recentTransitions.size() <= FLAP_TRANSITIONS) {
      return;
    }
    if (now.isAfter(lastFlap.plus(BACKOFF_RESET))) {
      flapEpisodes = 0;
    }
    Duration backoff = BACKOFF.get(Math.min(flapEpisodes, BACKOFF.size() - 1));
    flapEpisodes++;
    lastFlap = now;
    heldUntil = now.plus(backoff);
    out.add(new Outcome.Flapping(nodeId, recentTransitions.size(), backoff, heldUntil));
    recentTransitions.clear();
  }
}
