package io.nxs.doctor.heal;

import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.MetricSource;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.alert.AlertEngine;
import io.nxs.doctor.alert.AlertState;
import io.nxs.doctor.command.ShellCommand;
import io.nxs.doctor.config.HealingConfig;
import io.nxs.doctor.heal.Attempt.AwaitingApproval;
import io.nxs.doctor.heal.Attempt.Exhausted;
import io.nxs.doctor.heal.Attempt.RateLimited;
import io.nxs.doctor.heal.Attempt.Request;
import io.nxs.doctor.heal.Attempt.Running;
import io.nxs.doctor.heal.Attempt.Unavailable;
import io.nxs.doctor.heal.Attempt.Verifying;
import io.nxs.doctor.incident.Pattern;
import io.nxs.doctor.rule.Rule;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The healing ladder (SPEC DR6, seed 002 §4): when an alert fires, the actions that heal its rule
 * are tried from the lowest level up. Each attempt acts, then verifies that the triggering
 * condition clears within the verify window; a failure escalates to the next level. Levels 1-3 run
 * at once, 4-6 wait for an operator's approval.
 *
 * <p>Design note: no restart storms. Each (action, target) may run at most {@code max_attempts}
 * times per {@code window}; beyond that the ladder escalates instead of running it again. The
 * counter of a target resets once the target has been healthy for {@code reset_after} (Monit's
 * counters never reset, so a service that failed three times last month could never be restarted
 * again). Every attempt is a row of the healing log and an audit event {@code healing.*}; dry-run
 * mode logs what would run and runs nothing. Commands run on the {@code actions} executor, never on
 * the ticking thread; a restart whose verify fails shows as {@code healing.restart_failed{service}}
 * for the built-in {@code service-restart-failed} rule. An attempt's states and their transitions
 * are {@link Attempt}'s; this class decides which transition to take and when.
 */
public final class Healer implements MetricSource {

  /** The built-in level-2 action: a service's {@code restart} command. */
  public static final String RESTART_SERVICE = HealingActions.RESTART_SERVICE;

  private final HealingConfig config;
  private final HealingActions actions;
  private final HealingStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final Executor executor;
  private final Predicate<String> conditionClear;
  private final Function<String, Optional<Rule>> rules;

  private final Map<String, Ladder> ladders = new LinkedHashMap<>();
  private final Map<String, Attempt.Open> unfinished = new LinkedHashMap<>();
  private final Map<String, ArrayDeque<Instant>> attempts = new HashMap<>();
  private final Map<String, Instant> healthySince = new HashMap<>();
  private final Map<String, Double> restartFailed = new LinkedHashMap<>();
  private long nextSeq;

  /** One alert's way up the ladder. */
  private static final class Ladder {
    final Alert alert;
    final List<Step> steps;
    int index;
    boolean advanceOnTick;

    Ladder(Alert alert, List<Step> steps) {
      this.alert = alert;
      this.steps = steps;
    }
  }

  private record Step(String action, int level, String target) {}

  /**
   * @param actions every action it may run, by name
   * @param conditionClear whether the condition behind an alert key is clear now (the verify)
   * @param rules the rule in force with an id: its {@code heal} actions form the ladder
   */
  public Healer(
      HealingConfig config,
      HealingActions actions,
      HealingStore store,
      AuditTrail audit,
      Clock clock,
      Executor executor,
      Predicate<String> conditionClear,
      Function<String, Optional<Rule>> rules) {
    this.config = config;
    this.actions = actions;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.executor = executor;
    this.conditionClear = conditionClear;
    this.rules = rules;
    for (Attempt.Open a : store.unfinished()) {
      unfinished.put(a.request().id(), a);
    }
    this.nextSeq = store.nextSeq();
  }

  @Override
  public String name() {
    return "healing";
  }

  @Override
  public synchronized List<Sample> collect() {
    List<Sample> out = new ArrayList<>();
    restartFailed.forEach(
        (service, v) ->
            out.add(new Sample("healing.restart_failed", Map.of("service", service), v)));
    return out;
  }

  /**
   * Verifies running attempts, takes pending ladder steps and resets counters of healthy targets.
   */
  public synchronized void tick() {
    Instant now = clock.instant();
    for (Attempt.Open open : List.copyOf(unfinished.values())) {
      if (!(open instanceof Verifying verifying)) {
        continue;
      }
      Request r = verifying.request();
      if (conditionClear.test(r.alertKey())) {
        finish(verifying.verified(now), "healing.succeeded", Severity.INFO);
        Ladder done = ladders.remove(r.alertKey());
        if (done != null) {
          done.steps.forEach(st -> healthySince.put(st.target(), now));
        }
        if (RESTART_SERVICE.equals(r.action())) {
          restartFailed.computeIfPresent(r.target(), (k, v) -> 0.0);
        }
      } else if (verifying.expired(now)) {
        finish(verifying.timedOut(now, config.verifyWindow()), "healing.failed", Severity.HIGH);
        if (RESTART_SERVICE.equals(r.action())) {
          restartFailed.put(r.target(), 1.0);
        }
        escalate(r.alertKey());
      }
    }
    for (Ladder l : List.copyOf(ladders.values())) {
      if (l.advanceOnTick) {
        l.advanceOnTick = false;
        advance(l);
      }
    }
    for (var it = healthySince.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      String target = e.getKey();
      boolean busy =
          ladders.values().stream()
              .anyMatch(l -> l.steps.stream().anyMatch(s -> s.target().equals(target)));
      if (!busy && !now.isBefore(e.getValue().plus(config.resetAfter()))) {
        attempts.keySet().removeIf(k -> k.endsWith("|" + target));
        it.remove();
      }
    }
  }

  /** Starts ladders for newly firing alerts and ends those of resolved ones. */
  public synchronized void accept(List<AlertEngine.Transition> transitions) {
    Instant now = clock.instant();
    for (AlertEngine.Transition t : transitions) {
      Alert a = t.alert();
      if (t.to() == AlertState.FIRING && !ladders.containsKey(a.key()) && !verifying(a.key())) {
        List<Step> steps = stepsFor(a);
        if (!steps.isEmpty()) {
          Ladder l = new Ladder(a, steps);
          ladders.put(a.key(), l);
          steps.forEach(s -> healthySince.remove(s.target()));
          advance(l);
        }
      } else if (t.to() == AlertState.RESOLVED) {
        Ladder l = ladders.remove(a.key());
        if (l != null) {
          l.steps.forEach(s -> healthySince.put(s.target(), now));
          for (Attempt.Open open : List.copyOf(unfinished.values())) {
            if (open instanceof AwaitingApproval w && w.request().alertKey().equals(a.key())) {
              finish(w.cancel(now), "healing.cancelled", Severity.INFO);
            }
          }
        }
        String service = a.labels().get("service");
        if (service != null) {
          healthySince.putIfAbsent(service, now);
          if (rules
              .apply(a.ruleId())
              .map(r -> r.healing().contains(RESTART_SERVICE))
              .orElse(false)) {
            restartFailed.computeIfPresent(service, (k, v) -> 0.0);
          }
        }
      }
    }
  }

  private boolean verifying(String alertKey) {
    return unfinished.values().stream().anyMatch(a -> a.request().alertKey().equals(alertKey));
  }

  /** Requests one named action for an alert, e.g. a rule's {@code escalate} action. */
  public synchronized void request(String action, Alert alert) {
    Optional<HealingAction> found = find(action);
    String target = targetOf(alert);
    if (found.isEmpty()) {
      finish(
          new Unavailable(
              newRequest(alert, new Step(action, 0, target)),
              "no healing action '"
                  + action
                  + "' is configured (doctor.healing.actions) or registered"),
          "healing.unavailable",
          Severity.MEDIUM);
      return;
    }
    Ladder l = new Ladder(alert, List.of(new Step(action, found.get().level(), target)));
    ladders.put(alert.key() + "#" + action, l);
    advance(l);
  }

  /**
   * Approves an attempt that waits for approval (levels 4-6) and runs it.
   *
   * @throws NxsException when there is no such attempt or it does not wait for approval
   */
  public synchronized HealingRecord approve(String id, String actor) {
    Attempt.Open open = unfinished.get(id);
    if (open == null) {
      throw new NxsException(
          "no healing attempt '" + id + "' waits for approval: see GET /api/v1/healing");
    }
    if (!(open instanceof AwaitingApproval waiting)) {
      throw new NxsException(
          "healing attempt '"
              + id
              + "' is "
              + open.phase().name().toLowerCase(java.util.Locale.ROOT)
              + ", not awaiting approval");
    }
    Request r = waiting.request();
    Running approved = waiting.approve(actor, clock.instant());
    save(approved);
    audit.append(
        new AuditEvent(
            "healing.approved",
            Severity.HIGH,
            actor,
            r.target(),
            Map.of("id", r.id(), "action", r.action(), "level", r.level())));
    run(approved);
    return unfinished.getOrDefault(id, approved).view();
  }

  /** The newest healing log entries, newest first. */
  public List<HealingRecord> log(int limit) {
    return store.recent(limit);
  }

  /** One attempt by id, from the log. */
  public Optional<HealingRecord> find(String id, int searchLimit) {
    return store.recent(searchLimit).stream().filter(r -> r.id().equals(id)).findFirst();
  }

  /**
   * The ladder of an alert: its rule's {@code heal} actions and the configured actions whose {@code
   * on} matches the rule, those that can act on its target, lowest level first.
   */
  private List<Step> stepsFor(Alert a) {
    String target = targetOf(a);
    List<String> names = new ArrayList<>();
    rules.apply(a.ruleId()).ifPresent(r -> names.addAll(r.healing()));
    for (HealingConfig.ActionConfig c : actions.configured()) {
      if (c.on().stream().anyMatch(glob -> Pattern.matches(glob, a.ruleId()))) {
        names.add(c.name());
      }
    }
    List<Step> steps = new ArrayList<>();
    for (String name : new java.util.LinkedHashSet<>(names)) {
      if (actions.canAct(name, target)) {
        steps.add(new Step(name, actions.find(name).orElseThrow().level(), target));
      }
    }
    steps.sort(Comparator.comparingInt(Step::level));
    return steps;
  }

  private static String targetOf(Alert a) {
    for (String label : List.of("service", "provider", "mount", "target", "interface")) {
      String v = a.labels().get(label);
      if (v != null) {
        return v;
      }
    }
    return a.component() == null ? "" : a.component();
  }

  private Optional<HealingAction> find(String action) {
    return actions.find(action);
  }

  private void escalate(String alertKey) {
    for (Map.Entry<String, Ladder> e : ladders.entrySet()) {
      if (e.getKey().equals(alertKey) || e.getKey().startsWith(alertKey + "#")) {
        e.getValue().index++;
        e.getValue().advanceOnTick = true;
      }
    }
  }

  private void advance(Ladder l) {
    Instant now = clock.instant();
    while (l.index < l.steps.size()) {
      Step s = l.steps.get(l.index);
      if (!config.dryRun() && rateLimited(s, now)) {
        RateLimited r =
            new RateLimited(
                newRequest(l.alert, s),
                s.action()
                    + " ran "
                    + config.maxAttempts()
                    + " times on '"
                    + s.target()
                    + "' within "
                    + io.nxs.core.config.Durations.format(config.window())
                    + "; escalating instead");
        finish(r, "healing.rate_limited", Severity.HIGH);
        l.index++;
        continue;
      }
      if (s.level() >= 4) {
        AwaitingApproval r =
            new AwaitingApproval(
                newRequest(l.alert, s),
                "level " + s.level() + " waits for approval: nxs doctor approve ID");
        save(r);
        audit.append(
            new AuditEvent(
                "healing.awaiting_approval",
                Severity.HIGH,
                "nxs",
                s.target(),
                Map.of(
                    "id",
                    r.request().id(),
                    "action",
                    s.action(),
                    "level",
                    s.level(),
                    "alert",
                    l.alert.id())));
        return;
      }
      Running r = Running.start(newRequest(l.alert, s));
      save(r);
      run(r);
      return;
    }
    finish(
        new Exhausted(
            newRequest(l.alert, new Step("-", 0, targetOf(l.alert))),
            "every healing level was tried; an operator has to act"),
        "healing.exhausted",
        Severity.CRITICAL);
    ladders.values().remove(l);
  }

  private boolean rateLimited(Step s, Instant now) {
    ArrayDeque<Instant> q = attempts.get(s.action() + "|" + s.target());
    if (q == null) {
      return false;
    }
    while (!q.isEmpty() && !q.peekFirst().isAfter(now.minus(config.window()))) {
      q.removeFirst();
    }
    return q.size() >= config.maxAttempts();
  }

  private void run(Running given) {
    Running running =
        conditionClear.test(given.request().alertKey()) ? given.markUnnecessary() : given;
    Request r = running.request();
    audit.append(
        new AuditEvent(
            "healing.started",
            r.level() >= 4 ? Severity.HIGH : Severity.MEDIUM,
            "nxs",
            r.target(),
            Map.of(
                "id",
                r.id(),
                "action",
                r.action(),
                "level",
                r.level(),
                "dry_run",
                config.dryRun())));
    executor.execute(() -> execute(running));
  }

  private void execute(Running running) {
    Request r = running.request();
    Optional<HealingAction> action = find(r.action());
    Integer code = null;
    String output = null;
    boolean ok;
    String detail;
    if (action.isEmpty()) {
      ok = false;
      detail = "no healing action '" + r.action() + "' is configured or registered";
    } else if (config.dryRun()) {
      HealingAction.Outcome o = action.get().execute(r.target(), true);
      ok = o.success();
      detail = o.detail();
    } else if (action.get() instanceof CommandHealingAction c) {
      ShellCommand.Result res = c.run(r.target());
      code = res.exitCode();
      output = res.output();
      ok = res.ok();
      detail = res.summary();
    } else {
      HealingAction.Outcome o;
      try {
        o = action.get().execute(r.target(), false);
      } catch (RuntimeException e) {
        o = new HealingAction.Outcome(false, "failed: " + e.getMessage());
      }
      ok = o.success();
      detail = o.detail();
    }
    completed(running, ok, code, output, detail);
  }

  private synchronized void completed(
      Running running, boolean ok, Integer code, String output, String detail) {
    Instant now = clock.instant();
    Request r = running.request();
    if (config.dryRun()) {
      finish(running.dryRun(now, detail), "healing.dry_run", Severity.INFO);
      ladders.remove(r.alertKey());
      return;
    }
    attempts.computeIfAbsent(r.action() + "|" + r.target(), k -> new ArrayDeque<>()).addLast(now);
    if (ok) {
      save(running.verify(now, now.plus(config.verifyWindow()), code, output, detail));
      return;
    }
    finish(running.fail(now, code, output, detail), "healing.failed", Severity.HIGH);
    if (RESTART_SERVICE.equals(r.action())) {
      restartFailed.put(r.target(), 1.0);
    }
    escalate(r.alertKey());
  }

  private Request newRequest(Alert a, Step s) {
    return new Request(
        "H" + nextSeq++,
        a.id(),
        a.ruleId(),
        a.key(),
        s.action(),
        s.level(),
        s.target(),
        clock.instant(),
        config.dryRun());
  }

  private void save(Attempt a) {
    store.save(a);
    if (a instanceof Attempt.Open open) {
      unfinished.put(a.request().id(), open);
    } else {
      unfinished.remove(a.request().id());
    }
  }

  private void finish(Attempt.Closed a, String auditType, Severity severity) {
    save(a);
    HealingRecord r = a.view();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("id", r.id());
    details.put("action", r.action());
    details.put("level", r.level());
    details.put("alert", r.alertId());
    details.put("detail", r.detail());
    if (r.exitCode() != null) {
      details.put("exit_code", r.exitCode());
    }
    audit.append(new AuditEvent(auditType, severity, "nxs", r.target(), details));
  }

  /** Attempts not finished, oldest first. */
  public synchronized List<HealingRecord> unfinished() {
    return unfinished.values().stream().map(Attempt::view).toList();
  }
}
