package io.nxs.doctor.alert;

import java.time.Instant;

/**
 * Where one alert is in its lifecycle (SPEC DR3), one type per state, each holding only what is
 * true in it and offering only the transitions that leave it:
 *
 * <pre>
 * Pending ──fire──▶ Firing ──acknowledge──▶ Acknowledged
 *    │                 │  ▲                      │  ▲
 *  (cleared:           clear│  │refire         clear│  │refire
 *   dropped)           ▼  │                      ▼  │
 *                   Clearing(was Firing)     Clearing(was Acknowledged)
 *                      │                          │
 *                      └────────resolve───────────┴──▶ Resolved
 * </pre>
 *
 * <p>{@link Clearing} is an active alert whose condition is false but that may not resolve yet: it
 * flaps (it must stay clear for the flap window) or its rule does not resolve by itself until
 * acknowledged. {@link Unsettled} is one that had cleared and whose value went back between the
 * thresholds (its condition false, its {@code resolve_condition} not yet true): not clear, but a
 * return of the condition is a new failure. The public {@link Alert} view flattens a state into its
 * {@link AlertState} phase and timestamps.
 */
sealed interface Lifecycle {

  /** The phase shown in the view, stored, and reported in transitions. */
  AlertState phase();

  /** When the condition became true. */
  Instant since();

  /** Condition true, its duration not yet met. */
  record Pending(Instant since) implements Lifecycle {
    @Override
    public AlertState phase() {
      return AlertState.PENDING;
    }

    Firing fire(Instant now, boolean flapping) {
      return new Firing(since, now, flapping, false);
    }
  }

  /** A confirmed problem: firing or acknowledged. */
  sealed interface Active extends Lifecycle permits Firing, Acknowledged {
    Instant firedAt();

    boolean flapping();

    /** The same state, marked flapping when {@code flapping}. */
    Active flapping(boolean flapping);

    default Clearing clear(Instant now) {
      return new Clearing(this, now);
    }

    default Resolved resolve(Instant now) {
      return new Resolved(
          since(), firedAt(), now, flapping(), this instanceof Acknowledged a ? a.by() : null);
    }
  }

  /** Firing, not acknowledged; {@code escalated} once its rule's escalation was requested. */
  record Firing(Instant since, Instant firedAt, boolean flapping, boolean escalated)
      implements Active {
    @Override
    public AlertState phase() {
      return AlertState.FIRING;
    }

    @Override
    public Firing flapping(boolean flapping) {
      return new Firing(since, firedAt, flapping, escalated);
    }

    Acknowledged acknowledge(String by) {
      return new Acknowledged(since, firedAt, flapping, by);
    }

    Firing escalate() {
      return new Firing(since, firedAt, flapping, true);
    }
  }

  /** Firing and acknowledged by an operator. */
  record Acknowledged(Instant since, Instant firedAt, boolean flapping, String by)
      implements Active {
    @Override
    public AlertState phase() {
      return AlertState.ACKNOWLEDGED;
    }

    @Override
    public Acknowledged flapping(boolean flapping) {
      return new Acknowledged(since, firedAt, flapping, by);
    }
  }

  /** Active, but its condition cleared at least once since it fired. */
  sealed interface Recovered extends Lifecycle permits Clearing, Unsettled {
    Active was();

    /** The same state around another active one (acknowledged, escalated). */
    Recovered around(Active active);

    @Override
    default AlertState phase() {
      return was().phase();
    }

    @Override
    default Instant since() {
      return was().since();
    }

    /** The condition came back before it could resolve: a new failure all the same. */
    default Active refire(boolean flapping) {
      return was().flapping(flapping || was().flapping());
    }
  }

  /** Active, but its condition has been false since {@code clearSince}. */
  record Clearing(Active was, Instant clearSince) implements Recovered {
    @Override
    public Clearing around(Active active) {
      return new Clearing(active, clearSince);
    }
  }

  /** Active, cleared once, now between the condition and the resolve condition. */
  record Unsettled(Active was) implements Recovered {
    @Override
    public Unsettled around(Active active) {
      return new Unsettled(active);
    }
  }

  /** Over. */
  record Resolved(
      Instant since, Instant firedAt, Instant resolvedAt, boolean flapping, String ackedBy)
      implements Lifecycle {
    @Override
    public AlertState phase() {
      return AlertState.RESOLVED;
    }
  }
}
