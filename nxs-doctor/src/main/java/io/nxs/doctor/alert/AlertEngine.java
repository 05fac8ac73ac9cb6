package io.nxs.doctor.alert;

import io.nxs.core.NxsException;
import io.nxs.doctor.rule.MessageTemplate;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleSet;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.doctor.sample.Series;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates the rules over the live samples and runs each alert's lifecycle (SPEC DR2, DR3).
 *
 * <p>Design note: a rule is evaluated once per label set found among the series of the metrics it
 * reads (one alert per mount, per service); a metric without labels joins every label set. A series
 * whose newest sample is older than {@code staleAfter} is ignored, so a gone mount does not keep an
 * alert alive. Alerts are deduplicated by rule id + labels; each state change is written to SQLite
 * before it is reported. Flapping: a key that fired {@link #FLAP_FIRES} times within {@link
 * #FLAP_WINDOW} is marked flapping and resolves only after its condition stayed clear for the whole
 * window. Hysteresis: with a {@code resolve_condition}, a firing alert resolves only when that is
 * true.
 */
public final class AlertEngine {

  /** Fires within this window that make an alert flap. */
  public static final Duration FLAP_WINDOW = Duration.ofMinutes(10);

  /** How many fires within {@link #FLAP_WINDOW} mean flapping. */
  public static final int FLAP_FIRES = 3;

  private final AlertStore store;
  private final Clock clock;
  private final Duration staleAfter;
  private final Map<String, Entry> open = new ConcurrentHashMap<>();
  private final Map<String, Integer> openPerRule = new ConcurrentHashMap<>();
  private final Map<String, ArrayDeque<Instant>> fires = new HashMap<>();
  private final Map<String, String> evaluationErrors = new ConcurrentHashMap<>();
  private final Map<String, MessageTemplate> templates = new ConcurrentHashMap<>();
  private long nextSeq;

  /**
   * A change of state reported by {@link #evaluate}. From FIRING (or ACKNOWLEDGED) to FIRING means
   * the condition came back while the alert was still open: a new failure.
   */
  public record Transition(Alert alert, AlertState from, AlertState to) {}

  private static final class Entry {
    final long seq;
    Alert alert;
    Instant clearSince;
    boolean recovered;
    boolean escalated;

    Entry(long seq, Alert alert) {
      this.seq = seq;
      this.alert = alert;
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
      put(new Entry(s.seq(), s.alert()));
    }
    this.nextSeq = store.nextSeq();
  }

  /** Evaluates every rule once; returns the state changes, each already persisted. */
  public synchronized List<Transition> evaluate(RuleSet.Snapshot rules, SampleStore samples) {
    Instant now = clock.instant();
    long freshAfter = now.toEpochMilli() - staleAfter.toMillis();
    List<Transition> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // Phase 1 reads only (samples, open alerts) and may run on several cores; phase 2 changes
    // state in rule order on this thread, so transitions and ids stay deterministic.
    List<Rule> all = new ArrayList<>(rules.all());
    var stream = all.size() >= PARALLEL_FROM ? all.parallelStream() : all.stream();
    List<List<Candidate>> found =
        stream
            .map(
                rule -> {
                  List<Candidate> c = new ArrayList<>();
                  try {
                    evaluateRule(rule, samples, freshAfter, c);
                    evaluationErrors.remove(rule.id());
                  } catch (IllegalArgumentException e) {
                    evaluationErrors.put(rule.id(), e.getMessage());
                  }
                  return c;
                })
            .toList();
    for (List<Candidate> candidates : found) {
      for (Candidate c : candidates) {
        seen.add(c.key());
        if (c.step()) {
          step(
              c.rule(),
              c.labels(),
              c.key(),
              c.holds(),
              c.resolves(),
              c.named(),
              c.value(),
              now,
              out);
        }
      }
    }
    for (Entry e : List.copyOf(open.values())) {
      if (seen.contains(e.alert.key())) {
        continue;
      }
      Optional<Rule> rule = rules.rule(e.alert.ruleId());
      if (rule.isEmpty()) {
        resolve(e, now, out);
      } else if (e.alert.state() == AlertState.PENDING) {
        drop(e);
      }
    }
    return out;
  }

  /** One series of one rule that needs attention in phase 2 (or only counts as seen). */
  private record Candidate(
      Rule rule,
      Map<String, String> labels,
      String key,
      boolean step,
      boolean holds,
      Boolean resolves,
      Map<String, Double> named,
      double value) {}

  /** Rules evaluated on several cores from this many on. */
  static final int PARALLEL_FROM = 64;

  private void evaluateRule(Rule rule, SampleStore samples, long freshAfter, List<Candidate> out) {
    List<String> metrics = rule.metrics();
    int n = metrics.size();
    @SuppressWarnings("unchecked")
    Map<Map<String, String>, Series>[] columns = new Map[n];
    for (int i = 0; i < n; i++) {
      columns[i] = samples.seriesOf(metrics.get(i));
    }
    int[] conditionIndex = indexes(metrics, rule.condition().metrics());
    int[] resolveIndex =
        rule.resolveCondition() == null
            ? null
            : indexes(metrics, rule.resolveCondition().metrics());
    boolean hasOpen = openPerRule.getOrDefault(rule.id(), 0) > 0;
    double[] values = new double[n];
    double[] cond = new double[conditionIndex.length];
    if (n == 1) {
      // the common case: one metric, each of its series is one label set
      for (Map.Entry<Map<String, String>, Series> entry : columns[0].entrySet()) {
        Series s = entry.getValue();
        if (s.latestMillis() < freshAfter) {
          continue;
        }
        values[0] = s.latest();
        evaluateSeries(
            rule,
            metrics,
            entry.getKey(),
            values,
            conditionIndex,
            resolveIndex,
            cond,
            hasOpen,
            out);
      }
      return;
    }
    Set<Map<String, String>> labelSets = new LinkedHashSet<>();
    for (Map<Map<String, String>, Series> column : columns) {
      for (Map.Entry<Map<String, String>, Series> s : column.entrySet()) {
        if (!s.getKey().isEmpty() && s.getValue().latestMillis() >= freshAfter) {
          labelSets.add(s.getKey());
        }
      }
    }
    if (labelSets.isEmpty()) {
      labelSets.add(Map.of());
    }
    for (Map<String, String> labels : labelSets) {
      boolean complete = true;
      for (int i = 0; i < n; i++) {
        Series s = columns[i].get(labels);
        if (s == null || s.latestMillis() < freshAfter) {
          s = labels.isEmpty() ? null : columns[i].get(Map.of());
        }
        if (s == null || s.latestMillis() < freshAfter) {
          complete = false;
          break;
        }
        values[i] = s.latest();
      }
      if (!complete) {
        continue;
      }
      evaluateSeries(
          rule, metrics, labels, values, conditionIndex, resolveIndex, cond, hasOpen, out);
    }
  }

  private void evaluateSeries(
      Rule rule,
      List<String> metrics,
      Map<String, String> labels,
      double[] values,
      int[] conditionIndex,
      int[] resolveIndex,
      double[] cond,
      boolean hasOpen,
      List<Candidate> out) {
    int n = metrics.size();
    for (int i = 0; i < cond.length; i++) {
      cond[i] = values[conditionIndex[i]];
    }
    boolean holds = rule.condition().test(cond);
    if (!holds && !hasOpen) {
      // steady state: nothing to start, nothing open to resolve; no key, no allocation
      return;
    }
    String key = Alert.key(rule.id(), labels);
    Entry e = open.get(key);
    if (!holds && e == null) {
      out.add(new Candidate(rule, labels, key, false, false, null, null, 0));
      return;
    }
    Boolean resolves = null;
    if (resolveIndex != null && e != null) {
      double[] r = new double[resolveIndex.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = values[resolveIndex[i]];
      }
      resolves = rule.resolveCondition().test(r);
    }
    Map<String, Double> named = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      named.put(metrics.get(i), values[i]);
    }
    out.add(
        new Candidate(
            rule,
            labels,
            key,
            true,
            holds,
            resolves,
            named,
            values[indexOf(metrics, rule.condition().metrics().getFirst())]));
  }

  private static int[] indexes(List<String> all, List<String> some) {
    int[] idx = new int[some.size()];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = all.indexOf(some.get(i));
    }
    return idx;
  }

  private static int indexOf(List<String> all, String one) {
    return all.indexOf(one);
  }

  private void step(
      Rule rule,
      Map<String, String> labels,
      String key,
      boolean holds,
      Boolean resolves,
      Map<String, Double> values,
      double value,
      Instant now,
      List<Transition> out) {
    Entry e = open.get(key);
    if (e != null && e.alert.component() == null) {
      Alert a = e.alert;
      e.alert =
          new Alert(
              a.id(),
              a.ruleId(),
              a.labels(),
              a.severity(),
              a.state(),
              a.since(),
              a.firedAt(),
              a.resolvedAt(),
              a.value(),
              a.message(),
              a.flapping(),
              a.ackedBy(),
              a.incidentId(),
              component(rule, labels),
              rule.category());
    }
    if (holds) {
      if (e == null) {
        boolean immediate = rule.duration().isZero();
        Alert a =
            new Alert(
                "A" + nextSeq,
                rule.id(),
                labels,
                rule.severity(),
                immediate ? AlertState.FIRING : AlertState.PENDING,
                now,
                immediate ? now : null,
                null,
                value,
                render(rule, values, labels),
                false,
                null,
                null,
                component(rule, labels),
                rule.category());
        e = new Entry(nextSeq++, a);
        put(e);
        if (immediate) {
          e.alert = withFlapping(e.alert, recordFire(key, now));
        }
        store.save(e.seq, e.alert);
        out.add(new Transition(e.alert, null, e.alert.state()));
        return;
      }
      boolean refired = e.recovered && e.alert.state().active();
      e.clearSince = null;
      if (refired) {
        e.recovered = false;
        // back before it could resolve (hysteresis or a flapping hold): a new failure all the same
        boolean flapping = recordFire(key, now) || e.alert.flapping();
        e.alert =
            copy(
                e.alert,
                e.alert.state(),
                e.alert.firedAt(),
                null,
                value,
                render(rule, values, labels),
                flapping,
                e.alert.ackedBy());
        store.save(e.seq, e.alert);
        out.add(new Transition(e.alert, e.alert.state(), AlertState.FIRING));
        return;
      }
      if (e.alert.state() == AlertState.PENDING
          && !now.isBefore(e.alert.since().plus(rule.duration()))) {
        boolean flapping = recordFire(key, now);
        e.alert =
            copy(
                e.alert,
                AlertState.FIRING,
                now,
                null,
                value,
                render(rule, values, labels),
                flapping,
                e.alert.ackedBy());
        store.save(e.seq, e.alert);
        out.add(new Transition(e.alert, AlertState.PENDING, AlertState.FIRING));
      } else {
        e.alert =
            copy(
                e.alert,
                e.alert.state(),
                e.alert.firedAt(),
                null,
                value,
                render(rule, values, labels),
                e.alert.flapping(),
                e.alert.ackedBy());
      }
      return;
    }
    if (e == null) {
      return;
    }
    if (e.alert.state() == AlertState.PENDING) {
      drop(e);
      return;
    }
    e.alert =
        copy(
            e.alert,
            e.alert.state(),
            e.alert.firedAt(),
            null,
            value,
            e.alert.message(),
            e.alert.flapping(),
            e.alert.ackedBy());
    if (resolves != null && !resolves) {
      e.clearSince = null;
      return;
    }
    if (e.clearSince == null) {
      e.clearSince = now;
    }
    e.recovered = true;
    boolean clearLongEnough = !e.alert.flapping() || !now.isBefore(e.clearSince.plus(FLAP_WINDOW));
    boolean mayResolve = rule.autoResolve() || e.alert.state() == AlertState.ACKNOWLEDGED;
    if (clearLongEnough && mayResolve) {
      resolve(e, now, out);
    }
  }

  private Alert withFlapping(Alert a, boolean flapping) {
    return flapping
        ? copy(a, a.state(), a.firedAt(), a.resolvedAt(), a.value(), a.message(), true, a.ackedBy())
        : a;
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

  private void resolve(Entry e, Instant now, List<Transition> out) {
    AlertState from = e.alert.state();
    e.alert =
        copy(
            e.alert,
            AlertState.RESOLVED,
            e.alert.firedAt(),
            now,
            e.alert.value(),
            e.alert.message(),
            e.alert.flapping(),
            e.alert.ackedBy());
    store.save(e.seq, e.alert);
    remove(e);
    out.add(new Transition(e.alert, from, AlertState.RESOLVED));
  }

  private void drop(Entry e) {
    store.delete(e.seq);
    remove(e);
  }

  private void put(Entry e) {
    open.put(e.alert.key(), e);
    openPerRule.merge(e.alert.ruleId(), 1, Integer::sum);
  }

  private void remove(Entry e) {
    if (open.remove(e.alert.key()) != null) {
      openPerRule.computeIfPresent(e.alert.ruleId(), (k, v) -> v <= 1 ? null : v - 1);
    }
  }

  /**
   * Acknowledges a firing alert; one whose condition already cleared resolves.
   *
   * @throws NxsException when there is no open alert with that id, or it is still pending
   */
  public synchronized Alert acknowledge(String id, String actor) {
    Entry e =
        open.values().stream()
            .filter(x -> x.alert.id().equals(id))
            .findFirst()
            .orElseThrow(
                () -> new NxsException("no open alert '" + id + "': see GET /api/v1/alerts"));
    if (e.alert.state() == AlertState.PENDING) {
      throw new NxsException(
          "alert '" + id + "' is still pending; only a firing alert can be acknowledged");
    }
    Instant now = clock.instant();
    if (e.clearSince != null) {
      e.alert =
          copy(
              e.alert,
              AlertState.ACKNOWLEDGED,
              e.alert.firedAt(),
              null,
              e.alert.value(),
              e.alert.message(),
              e.alert.flapping(),
              actor);
      List<Transition> ignored = new ArrayList<>();
      resolve(e, now, ignored);
      return e.alert;
    }
    e.alert =
        copy(
            e.alert,
            AlertState.ACKNOWLEDGED,
            e.alert.firedAt(),
            null,
            e.alert.value(),
            e.alert.message(),
            e.alert.flapping(),
            actor);
    store.save(e.seq, e.alert);
    return e.alert;
  }

  /** Links an open alert to an incident and persists the link. */
  public synchronized void assignIncident(String alertId, String incidentId) {
    open.values().stream()
        .filter(x -> x.alert.id().equals(alertId))
        .findFirst()
        .ifPresent(
            e -> {
              e.alert = e.alert.withIncident(incidentId);
              store.save(e.seq, e.alert);
            });
  }

  /**
   * Marks an open alert's escalation as requested.
   *
   * @return true the first time for that alert, false afterwards
   */
  public synchronized boolean markEscalated(String alertId) {
    for (Entry e : open.values()) {
      if (e.alert.id().equals(alertId)) {
        if (e.escalated) {
          return false;
        }
        e.escalated = true;
        return true;
      }
    }
    return false;
  }

  /** Open (pending, firing, acknowledged) alerts, oldest first. */
  public List<Alert> open() {
    return open.values().stream()
        .sorted((a, b) -> Long.compare(a.seq, b.seq))
        .map(e -> e.alert)
        .toList();
  }

  /** The open alert with this key, if any. */
  public Optional<Alert> openByKey(String key) {
    Entry e = open.get(key);
    return e == null ? Optional.empty() : Optional.of(e.alert);
  }

  /**
   * Whether the condition behind an alert key is clear now: no open alert, or an open one whose
   * condition was false at the last evaluation.
   */
  public synchronized boolean isClear(String key) {
    Entry e = open.get(key);
    return e == null || e.clearSince != null;
  }

  /** Rules whose last evaluation failed, with the reason. */
  public Map<String, String> evaluationErrors() {
    return Map.copyOf(evaluationErrors);
  }

  private MessageTemplate template(Rule rule) {
    return templates.computeIfAbsent(
        rule.id() + "@" + rule.source() + ":" + rule.line(),
        k -> MessageTemplate.compile(rule.id(), rule.message().orElse(rule.name())));
  }

  private String render(Rule rule, Map<String, Double> values, Map<String, String> labels) {
    return template(rule).render(values, labels);
  }

  private static String component(Rule rule, Map<String, String> labels) {
    String service = labels.get("service");
    return service != null ? service : rule.component();
  }

  private static Alert copy(
      Alert a,
      AlertState state,
      Instant firedAt,
      Instant resolvedAt,
      double value,
      String message,
      boolean flapping,
      String ackedBy) {
    return new Alert(
        a.id(),
        a.ruleId(),
        a.labels(),
        a.severity(),
        state,
        a.since(),
        firedAt,
        resolvedAt,
        value,
        message,
        flapping,
        ackedBy,
        a.incidentId(),
        a.component(),
        a.category());
  }

  /** Every open alert, for tests and views. */
  public Collection<Alert> snapshot() {
    return open();
  }
}
