package io.nxs.doctor.alert;

import io.nxs.core.NxsException;
import io.nxs.doctor.alert.Lifecycle.Acknowledged;
import io.nxs.doctor.alert.Lifecycle.Active;
import io.nxs.doctor.alert.Lifecycle.Clearing;
import io.nxs.doctor.alert.Lifecycle.Firing;
import io.nxs.doctor.alert.Lifecycle.Pending;
import io.nxs.doctor.alert.Lifecycle.Recovered;
import io.nxs.doctor.alert.Lifecycle.Resolved;
import io.nxs.doctor.alert.Lifecycle.Unsettled;
import io.nxs.doctor.alert.RuleEvaluator.Finding;
import io.nxs.doctor.rule.MessageTemplate;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleSet;
import io.nxs.doctor.sample.SampleStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs each alert's lifecycle (SPEC DR3) on what the {@link RuleEvaluator} found: one alert per
 * rule and label set, deduplicated by that key, each state change written to SQLite before it is
 * reported. The states and their transitions are {@link Lifecycle}'s; this class decides which
 * transition a finding means.
 *
 * <p>Design note: flapping — a key that fired {@link #FLAP_FIRES} times within {@link #FLAP_WINDOW}
 * is marked flapping and resolves only after its condition stayed clear for the whole window.
 * Hysteresis — with a {@code resolve_condition}, a firing alert starts clearing only when that is
 * true. A rule that does not auto-resolve keeps its alert until it is acknowledged and clear.
 */
public final class AlertEngine {

  /** Fires within this window that make an alert flap. */
  public static final Duration FLAP_WINDOW = Duration.ofMinutes(10);

  /** How many fires within {@link #FLAP_WINDOW} mean flapping. */
  public static final int FLAP_FIRES = 3;

  /** Rules evaluated on several cores from this many on. */
  static final int PARALLEL_FROM = RuleEvaluator.PARALLEL_FROM;

  private final AlertStore store;
  private final Clock clock;
  private final Duration staleAfter;
  private final RuleEvaluator evaluator = new RuleEvaluator();
  private final Map<String, Tracked> open = new ConcurrentHashMap<>();
  private final Map<String, Integer> openPerRule = new ConcurrentHashMap<>();
  private final Map<String, ArrayDeque<Instant>> fires = new HashMap<>();
  private final Map<String, MessageTemplate> templates = new ConcurrentHashMap<>();
  private long nextSeq;

  /**
   * A change of state reported by {@link #evaluate}. From FIRING (or ACKNOWLEDGED) to FIRING means
   * the condition came back while the alert was still open: a new failure. {@code from} is null for
   * a new alert.
   */
  public record Transition(Alert alert, AlertState from, AlertState to) {}

  /**
   * One open alert: its identity, its last reading and its lifecycle state.
   *
   * @param component what it is about, or null until its rule is known (after a restart)
   */
  private record Tracked(
      long seq,
      String id,
      Rule.Identity rule,
      Map<String, String> labels,
      String component,
      String incidentId,
      double value,
      String message,
      Lifecycle state) {

    Tracked with(Lifecycle next) {
      return new Tracked(seq, id, rule, labels, component, incidentId, value, message, next);
    }

    Tracked reading(double newValue, String newMessage) {
      return new Tracked(seq, id, rule, labels, component, incidentId, newValue, newMessage, state);
    }

    Tracked incident(String newIncident) {
      return new Tracked(seq, id, rule, labels, component, newIncident, value, message, state);
    }

    Tracked describedBy(Rule r) {
      return new Tracked(
          seq,
          id,
          Rule.Identity.of(r),
          labels,
          AlertEngine.component(r, labels),
          incidentId,
          value,
          message,
          state);
    }

    String key() {
      return Alert.key(rule.id(), labels);
    }

    /** The public view. */
    Alert view() {
      Instant firedAt = null;
      Instant resolvedAt = null;
      boolean flapping = false;
      String ackedBy = null;
      switch (state) {
        case Pending p -> {}
        case Firing f -> {
          firedAt = f.firedAt();
          flapping = f.flapping();
        }
        case Acknowledged a -> {
          firedAt = a.firedAt();
          flapping = a.flapping();
          ackedBy = a.by();
        }
        case Recovered c -> {
          firedAt = c.was().firedAt();
          flapping = c.was().flapping();
          ackedBy = c.was() instanceof Acknowledged a ? a.by() : null;
        }
        case Resolved r -> {
          firedAt = r.firedAt();
          resolvedAt = r.resolvedAt();
          flapping = r.flapping();
          ackedBy = r.ackedBy();
        }
      }
      return new Alert(
          id,
          rule.id(),
          labels,
          rule.severity(),
          state.phase(),
          state.since(),
          firedAt,
          resolvedAt,
          value,
          message,
          flapping,
          ackedBy,
          incidentId,
          component,
          rule.category());
    }
  }

  /**
   * @param staleAfter series older than this are ignored
   */
  public AlertEngine(AlertStore store, Clock clock, Duration staleAfter) {
    this.store = store;
    this.clock = clock;
    this.staleAfter = staleAfter;
    for (AlertStore.Stored s : store.open()) {
      put(restored(s));
    }
    this.nextSeq = store.nextSeq();
  }

  private static Tracked restored(AlertStore.Stored s) {
    Alert a = s.alert();
    Lifecycle state =
        switch (a.state()) {
          case PENDING -> new Pending(a.since());
          case FIRING -> new Firing(a.since(), a.firedAt(), a.flapping(), false);
          case ACKNOWLEDGED -> new Acknowledged(a.since(), a.firedAt(), a.flapping(), a.ackedBy());
          case RESOLVED ->
              new Resolved(a.since(), a.firedAt(), a.resolvedAt(), a.flapping(), a.ackedBy());
        };
    return new Tracked(
        s.seq(),
        a.id(),
        new Rule.Identity(a.ruleId(), a.severity(), null),
        a.labels(),
        null,
        a.incidentId(),
        a.value(),
        a.message(),
        state);
  }

  /** Evaluates every rule once; returns the state changes, each already persisted. */
  public synchronized List<Transition> evaluate(RuleSet.Snapshot rules, SampleStore samples) {
    Instant now = clock.instant();
    long freshAfter = now.toEpochMilli() - staleAfter.toMillis();
    RuleEvaluator.Evaluation found =
        evaluator.evaluate(
            rules,
            samples,
            freshAfter,
            new RuleEvaluator.OpenAlerts() {
              @Override
              public boolean anyOpen(String ruleId) {
                return openPerRule.getOrDefault(ruleId, 0) > 0;
              }

              @Override
              public boolean isOpen(String key) {
                return open.containsKey(key);
              }
            });
    List<Transition> out = new ArrayList<>();
    for (Finding f : found.findings()) {
      step(f, now, out);
    }
    for (Tracked t : List.copyOf(open.values())) {
      if (found.seen().contains(t.key())) {
        continue;
      }
      if (rules.rule(t.rule().id()).isEmpty()) {
        resolve(t, now, out); // its rule is gone
      } else if (t.state() instanceof Pending) {
        drop(t); // its series went away before it fired
      }
    }
    return out;
  }

  /** Applies one finding to its alert. */
  private void step(Finding f, Instant now, List<Transition> out) {
    Tracked t = open.get(f.key());
    if (t != null && t.component() == null) {
      t = t.describedBy(f.rule());
      open.put(f.key(), t);
    }
    if (f.verdict() == RuleEvaluator.Verdict.HOLDS) {
      if (t == null) {
        start(f, now, out);
      } else {
        holds(t, f, now, out);
      }
    } else if (t != null) {
      clear(t, f, now, out);
    }
  }

  private void start(Finding f, Instant now, List<Transition> out) {
    Rule rule = f.rule();
    Pending pending = new Pending(now);
    Lifecycle state =
        rule.duration().isZero() ? pending.fire(now, recordFire(f.key(), now)) : pending;
    Tracked t =
        new Tracked(
            nextSeq,
            "A" + nextSeq,
            Rule.Identity.of(rule),
            f.labels(),
            component(rule, f.labels()),
            null,
            f.value(),
            render(rule, f),
            state);
    nextSeq++;
    put(t);
    save(t);
    out.add(new Transition(t.view(), null, state.phase()));
  }

  private void holds(Tracked t, Finding f, Instant now, List<Transition> out) {
    Tracked read = t.reading(f.value(), render(f.rule(), f));
    switch (t.state()) {
      case Pending p when !now.isBefore(p.since().plus(f.rule().duration())) -> {
        Tracked fired = read.with(p.fire(now, recordFire(f.key(), now)));
        saveAndReport(fired, AlertState.PENDING, out);
      }
      case Recovered c -> {
        // back before it could resolve (hysteresis or a flapping hold): a new failure all the same
        Tracked refired = read.with(c.refire(recordFire(f.key(), now)));
        open.put(refired.key(), refired);
        save(refired);
        out.add(new Transition(refired.view(), c.phase(), AlertState.FIRING));
      }
      default -> open.put(t.key(), read);
    }
  }

  private void clear(Tracked t, Finding f, Instant now, List<Transition> out) {
    Tracked read = t.reading(f.value(), t.message());
    Lifecycle next =
        switch (t.state()) {
          case Pending p -> null;
          case Active a when f.verdict() == RuleEvaluator.Verdict.HELD_BY_RESOLVE_CONDITION -> a;
          case Recovered c when f.verdict() == RuleEvaluator.Verdict.HELD_BY_RESOLVE_CONDITION ->
              new Unsettled(c.was());
          case Active a -> a.clear(now);
          case Clearing c -> c;
          case Unsettled u -> u.was().clear(now);
          case Resolved r -> r;
        };
    if (next == null) {
      drop(t);
      return;
    }
    Tracked cleared = read.with(next);
    open.put(t.key(), cleared);
    if (next instanceof Clearing c && mayResolve(c, f.rule(), now)) {
      resolve(cleared, now, out);
    }
  }

  /** Clear long enough (a flapping alert the whole flap window) and allowed to resolve. */
  private static boolean mayResolve(Clearing c, Rule rule, Instant now) {
    boolean longEnough = !c.was().flapping() || !now.isBefore(c.clearSince().plus(FLAP_WINDOW));
    return longEnough && (rule.autoResolve() || c.was() instanceof Acknowledged);
  }

  /** Records a fire and says whether the key now flaps. */
  private boolean recordFire(String key, Instant now) {
    ArrayDeque<Instant> q = fires.computeIfAbsent(key, k -> new ArrayDeque<>());
    q.addLast(now);
    while (!q.isEmpty() && q.peekFirst().isBefore(now.minus(FLAP_WINDOW))) {
      q.removeFirst();
    }
    return q.size() >= FLAP_FIRES;
  }

  private void resolve(Tracked t, Instant now, List<Transition> out) {
    AlertState from = t.state().phase();
    Active active =
        switch (t.state()) {
          case Active a -> a;
          case Recovered c -> c.was();
          case Pending p -> new Firing(p.since(), now, false, false);
          case Resolved r -> throw new IllegalStateException("alert " + t.id() + " is resolved");
        };
    Tracked resolved = t.with(active.resolve(now));
    save(resolved);
    remove(resolved);
    out.add(new Transition(resolved.view(), from, AlertState.RESOLVED));
  }

  private void saveAndReport(Tracked t, AlertState from, List<Transition> out) {
    open.put(t.key(), t);
    save(t);
    out.add(new Transition(t.view(), from, t.state().phase()));
  }

  private void save(Tracked t) {
    store.save(t.seq(), t.view());
  }

  private void drop(Tracked t) {
    store.delete(t.seq());
    remove(t);
  }

  private void put(Tracked t) {
    open.put(t.key(), t);
    openPerRule.merge(t.rule().id(), 1, Integer::sum);
  }

  private void remove(Tracked t) {
    if (open.remove(t.key()) != null) {
      openPerRule.computeIfPresent(t.rule().id(), (k, v) -> v <= 1 ? null : v - 1);
    }
  }

  private Optional<Tracked> byId(String id) {
    return open.values().stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /**
   * Acknowledges a firing alert; one whose condition already cleared resolves.
   *
   * @throws NxsException when there is no open alert with that id, or it is still pending
   */
  public synchronized Alert acknowledge(String id, String actor) {
    Tracked t =
        byId(id)
            .orElseThrow(
                () -> new NxsException("no open alert '" + id + "': see GET /api/v1/alerts"));
    Instant now = clock.instant();
    return switch (t.state()) {
      case Pending p ->
          throw new NxsException(
              "alert '" + id + "' is still pending; only a firing alert can be acknowledged");
      case Firing f -> {
        Tracked acked = t.with(f.acknowledge(actor));
        open.put(t.key(), acked);
        save(acked);
        yield acked.view();
      }
      case Acknowledged a -> t.view();
      case Clearing c -> {
        Active acked = c.was() instanceof Firing f ? f.acknowledge(actor) : c.was();
        Tracked resolved = t.with(acked.resolve(now));
        save(resolved);
        remove(resolved);
        yield resolved.view();
      }
      case Unsettled u -> {
        Tracked acked = t.with(u.was() instanceof Firing f ? u.around(f.acknowledge(actor)) : u);
        open.put(t.key(), acked);
        save(acked);
        yield acked.view();
      }
      case Resolved r -> t.view();
    };
  }

  /** Links an open alert to an incident and persists the link. */
  public synchronized void assignIncident(String alertId, String incidentId) {
    byId(alertId)
        .ifPresent(
            t -> {
              Tracked linked = t.incident(incidentId);
              open.put(t.key(), linked);
              save(linked);
            });
  }

  /**
   * Marks a firing alert's escalation as requested.
   *
   * @return true the first time for that alert, false afterwards (or when it is not firing)
   */
  public synchronized boolean markEscalated(String alertId) {
    Optional<Tracked> t = byId(alertId);
    if (t.isEmpty()) {
      return false;
    }
    Lifecycle escalated =
        switch (t.get().state()) {
          case Firing f when !f.escalated() -> f.escalate();
          case Recovered r when r.was() instanceof Firing f && !f.escalated() ->
              r.around(f.escalate());
          default -> null;
        };
    if (escalated == null) {
      return false;
    }
    open.put(t.get().key(), t.get().with(escalated));
    return true;
  }

  /** Open (pending, firing, acknowledged) alerts, oldest first. */
  public List<Alert> open() {
    return open.values().stream()
        .sorted((a, b) -> Long.compare(a.seq(), b.seq()))
        .map(Tracked::view)
        .toList();
  }

  /** The open alert with this key, if any. */
  public Optional<Alert> openByKey(String key) {
    return Optional.ofNullable(open.get(key)).map(Tracked::view);
  }

  /**
   * Whether the condition behind an alert key is clear now: no open alert, or an open one whose
   * condition was false at the last evaluation.
   */
  public synchronized boolean isClear(String key) {
    Tracked t = open.get(key);
    return t == null || t.state() instanceof Clearing;
  }

  /** Rules whose last evaluation failed, with the reason. */
  public Map<String, String> evaluationErrors() {
    return evaluator.errors();
  }

  private String render(Rule rule, Finding f) {
    return templates
        .computeIfAbsent(
            rule.id() + "@" + rule.source() + ":" + rule.line(),
            k -> MessageTemplate.compile(rule.id(), rule.message().orElse(rule.name())))
        .render(f.values(), f.labels());
  }

  private static String component(Rule rule, Map<String, String> labels) {
    String service = labels.get("service");
    return service != null ? service : rule.component();
  }

  /** Every open alert, for tests and views. */
  public Collection<Alert> snapshot() {
    return open();
  }
}
