package io.nxs.doctor;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.Heartbeat;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.alert.AlertEngine;
import io.nxs.doctor.alert.AlertStore;
import io.nxs.doctor.collect.HeartbeatCollector;
import io.nxs.doctor.collect.HostCollector;
import io.nxs.doctor.collect.OpenClawCollector;
import io.nxs.doctor.collect.ServiceProbes;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.heal.Healer;
import io.nxs.doctor.heal.HealingRecord;
import io.nxs.doctor.heal.HealingStore;
import io.nxs.doctor.incident.Correlator;
import io.nxs.doctor.incident.DependencyGraph;
import io.nxs.doctor.incident.Incident;
import io.nxs.doctor.incident.IncidentStore;
import io.nxs.doctor.kpi.Kpis;
import io.nxs.doctor.notify.IncidentNotifier;
import io.nxs.doctor.openclaw.GatewaySupervisor;
import io.nxs.doctor.openclaw.RestartAuthority;
import io.nxs.doctor.openclaw.ServiceHold;
import io.nxs.doctor.predict.HealthReport;
import io.nxs.doctor.predict.Predictor;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleAction;
import io.nxs.doctor.rule.RuleProblem;
import io.nxs.doctor.rule.RuleSet;
import io.nxs.doctor.sample.SampleHistory;
import io.nxs.doctor.sample.SampleStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Doctor's loop, one tick per interval (DESIGN.md data flow 2): collectors → samples (ring
 * buffers + SQLite history) → rule engine → alerts → correlator → incidents → notifiers and healer
 * → audit.
 *
 * <p>Everything runs on the ticking thread except healing commands and notifications, which go to
 * the {@code actions} executor (virtual threads in the daemon, the calling thread in tests, so a
 * test's tick finishes its effects before it returns).
 */
public final class Doctor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Doctor.class);

  private final DoctorConfig config;
  private final Clock clock;
  private final AuditTrail audit;
  private final Extensions extensions;
  private final List<MetricSource> collectors;
  private final HeartbeatCollector heartbeats;
  private final ServiceProbes probes;
  private final SampleStore samples;
  private final SampleHistory history;
  private final RuleSet rules;
  private final AlertEngine alerts;
  private final IncidentStore incidentStore;
  private final Correlator correlator;
  private final Healer healer;
  private final IncidentNotifier notifier;
  private final Predictor predictor;
  private final Kpis kpis;
  private final Optional<OpenClaw> openclaw;
  private final Optional<GatewaySupervisor> supervisor;
  private final Set<String> reportedProblems = new HashSet<>();
  private final List<AutoCloseable> subscriptions = new ArrayList<>();
  private long ticks;

  private Doctor(Builder b) {
    this.config = b.config;
    this.clock = b.clock;
    this.audit = b.audit;
    this.extensions = b.extensions;
    this.heartbeats = new HeartbeatCollector(clock);
    List<io.nxs.doctor.config.ServiceConfig> services = new ArrayList<>(b.config.services());
    b.store.migrate("doctor");
    this.openclaw = b.config.openclaw().enabled() ? Optional.of(openclaw(b)) : Optional.empty();
    openclaw.ifPresent(o -> services.add(OpenClawCollector.service(o)));
    this.supervisor =
        openclaw.map(
            o ->
                new GatewaySupervisor(
                    o,
                    OpenClawCollector.SERVICE,
                    (b.home == null ? Path.of(System.getProperty("java.io.tmpdir")) : b.home)
                        .resolve("logs")
                        .resolve("openclaw-gateway.log"),
                    RestartAuthority.ofSystem(System.getenv()),
                    () -> b.extensions == null ? List.of() : b.extensions.primaryGuards().all(),
                    b.config.openclaw().startTimeout(),
                    new ServiceHold(b.store, clock, OpenClawCollector.SERVICE)));
    this.probes =
        new ServiceProbes(
            services,
            clock,
            name ->
                name.equals(OpenClawCollector.SERVICE)
                    && supervisor.flatMap(GatewaySupervisor::held).isPresent());
    this.samples =
        new SampleStore(
            b.config.history().liveWindow(), b.config.interval(), b.config.history().maxSeries());
    List<Path> dirs = new ArrayList<>();
    if (b.home != null) {
      dirs.add(b.home.resolve("rules"));
    }
    if (b.config.rulesDir() != null) {
      Path d = Path.of(b.config.rulesDir());
      dirs.add(d.isAbsolute() || b.home == null ? d : b.home.resolve(d));
    }
    // Loaded at the first use, not here: the daemon asks once it serves (DoctorModule.serving).
    this.rules =
        new RuleSet(
            dirs,
            b.extensions == null ? List.of() : b.extensions.ruleSources().all(),
            this::reportProblems);
    Duration stale =
        b.config.interval().multipliedBy(3).compareTo(Duration.ofMinutes(2)) > 0
            ? b.config.interval().multipliedBy(3)
            : Duration.ofMinutes(2);
    this.alerts = new AlertEngine(new AlertStore(b.store, clock), clock, stale);
    List<io.nxs.core.ext.HealingAction> own = new ArrayList<>();
    own.add(new io.nxs.doctor.heal.ClearCachesAction(b.store, samples, clock));
    own.add(new io.nxs.doctor.heal.RestartNxsAction(b.supervisor, b.exit));
    supervisor.ifPresent(own::add);
    this.healer =
        new Healer(
            b.config.healing(),
            new io.nxs.doctor.heal.HealingActions(
                b.config.healing(),
                services,
                own,
                b.extensions == null ? null : b.extensions.healingActions()),
            new HealingStore(b.store),
            b.audit,
            clock,
            b.actions,
            alerts::isClear,
            id -> rules.current().rule(id));
    List<MetricSource> all = new ArrayList<>();
    all.add(heartbeats);
    all.add(healer);
    if (!services.isEmpty()) {
      all.add(probes);
    }
    openclaw.ifPresent(o -> all.add(new OpenClawCollector(o, clock)));
    if (!b.config.network().targets().isEmpty()
        || !b.config.network().dnsNames().isEmpty()
        || b.config.network().meshInterface() != null) {
      all.add(new io.nxs.doctor.collect.NetworkCollector(b.config.network()));
    }
    all.addAll(b.collectors);
    this.collectors = List.copyOf(all);
    this.history = new SampleHistory(b.store, b.config.history().retention());
    this.predictor = new Predictor(samples, history);
    this.kpis = new Kpis(b.store, clock, b.config.interval());
    this.incidentStore = new IncidentStore(b.store);
    this.correlator =
        new Correlator(
            DependencyGraph.withBuiltins(b.config.dependencies()),
            Correlator.builtinPatterns(),
            incidentStore,
            clock);
    this.notifier = new IncidentNotifier(b.config.notifications(), clock, b.actions, hostName());
    if (b.events != null) {
      subscriptions.add(b.events.subscribe(Heartbeat.class, heartbeats::onHeartbeat));
    }
  }

  /** The Doctor as the daemon builds it: the real host collector plus every registered source. */
  static Doctor create(
      ModuleContext ctx,
      DoctorConfig config,
      Executor actions,
      java.util.Optional<String> supervisor,
      io.nxs.doctor.heal.RestartNxsAction.Exit exit) {
    return builder(config, ctx.store(), ctx.audit(), ctx.clock())
        .home(ctx.home())
        .events(ctx.events())
        .extensions(ctx.extensions())
        .collectors(
            List.of(
                new HostCollector(ctx.clock()),
                new io.nxs.doctor.collect.SecurityCollector(ctx.home(), config.integrityPaths()),
                new io.nxs.doctor.collect.InternalCollector(
                    ctx.metrics(), ctx.extensions().healthSources(), ctx.clock()),
                new io.nxs.doctor.collect.StateCollector(
                    ctx.store(), ctx.clock(), Duration.ofMinutes(10))))
        .actions(actions)
        .supervisor(supervisor, exit)
        .openclaw(OpenClaw.from(ctx.config()))
        .build();
  }

  /**
   * The OpenClaw port: the core {@code openclaw:} section, with the deprecated {@code
   * doctor.openclaw} keys still honoured (each named once in the log with the key replacing it).
   */
  private static OpenClaw openclaw(Builder b) {
    b.config.openclaw().deprecations().forEach(LOG::warn);
    OpenClaw port =
        b.openclaw != null
            ? b.openclaw
            : OpenClaw.of(io.nxs.core.openclaw.OpenClawConfig.defaults(), System.getenv());
    return io.nxs.doctor.openclaw.Deprecated.apply(b.config.openclaw(), port);
  }

  /** The supervisor of OpenClaw's gateway, when {@code doctor.openclaw.enabled}. */
  public Optional<GatewaySupervisor> openclawSupervisor() {
    return supervisor;
  }

  public static Builder builder(
      DoctorConfig config, StateStore store, AuditTrail audit, Clock clock) {
    return new Builder(config, store, audit, clock);
  }

  /** Collects, evaluates and acts once. */
  public synchronized void tick() {
    long now = clock.millis();
    rules.reloadIfChanged();
    for (MetricSource source : sources()) {
      try {
        samples.ingest(now, source.collect());
      } catch (RuntimeException e) {
        LOG.warn("collector {} failed: {}", source.name(), e.getMessage());
      }
    }
    samples.ingest(now, predictor.predict(now));
    List<AlertEngine.Transition> transitions = alerts.evaluate(rules.current(), samples);
    for (AlertEngine.Transition t : transitions) {
      LOG.info(
          "alert {} {} -> {}: {}",
          t.alert().id(),
          t.from() == null ? "new" : t.from().label(),
          t.to().label(),
          t.alert().message());
    }
    healer.tick();
    healer.accept(transitions);
    escalate();
    List<Incident> incidents =
        correlator.accept(transitions, id -> rules.current().rule(id), alerts);
    for (Incident i : incidents) {
      LOG.info(
          "incident {} {}: root cause {} (confidence {})",
          i.id(),
          i.open() ? "open" : "closed",
          i.rootCause().title(),
          String.format(java.util.Locale.ROOT, "%.2f", i.confidence()));
    }
    notifier.accept(incidents, correlator.openIncidents());
    kpis.alive();
    history.write(samples.drainCompletedMinutes(), now);
    if (++ticks % 60 == 0) {
      samples.expire(now - Duration.ofHours(1).toMillis());
    }
  }

  /** Requests a rule's {@code escalate} action once its alert fired unacknowledged long enough. */
  private void escalate() {
    java.time.Instant now = clock.instant();
    for (Alert a : alerts.open()) {
      if (a.state() != io.nxs.doctor.alert.AlertState.FIRING) {
        continue;
      }
      java.util.Optional<RuleAction> e = rules.current().rule(a.ruleId()).flatMap(Rule::escalation);
      if (e.isPresent()
          && !now.isBefore(a.firedAt().plus(e.get().after()))
          && alerts.markEscalated(a.id())) {
        LOG.warn(
            "alert {} fired unacknowledged for {}: escalating to {}",
            a.id(),
            io.nxs.core.config.Durations.format(e.get().after()),
            e.get().action());
        healer.request(e.get().action(), a);
      }
    }
  }

  /** {@link #tick} for the scheduler: a failure is logged, never ends the schedule. */
  void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.error("the Doctor's tick failed", e);
    }
  }

  private List<MetricSource> sources() {
    if (extensions == null) {
      return collectors;
    }
    List<MetricSource> all = new ArrayList<>(collectors);
    all.addAll(extensions.metricSources().all());
    return all;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      LOG.warn(
          "this host has no resolvable name ({}); notifications name it 'localhost'",
          e.getMessage());
      return "localhost";
    }
  }

  /**
   * Audits each newly rejected rule once, and logs it. Called by the rule set at each load, under
   * its lock, so one thread at a time.
   */
  private void reportProblems(List<RuleProblem> problems) {
    for (RuleProblem p : problems) {
      if (reportedProblems.add(p.toString())) {
        LOG.warn("rule rejected: {}", p);
        audit.append(
            new AuditEvent(
                "doctor.rule_rejected",
                Severity.MEDIUM,
                "nxs",
                p.file(),
                Map.of("line", p.line(), "rule", p.ruleId(), "reason", p.reason())));
      }
    }
  }

  public DoctorConfig config() {
    return config;
  }

  public SampleStore samples() {
    return samples;
  }

  public RuleSet rules() {
    return rules;
  }

  public AlertEngine alerts() {
    return alerts;
  }

  /** Open incidents, oldest first. */
  public List<Incident> openIncidents() {
    return correlator.openIncidents();
  }

  /** The newest incidents, open or closed, newest first. */
  public List<Incident> recentIncidents(int limit) {
    return incidentStore.recent(limit);
  }

  /** The resilience KPIs (SPEC DR8). */
  public Map<String, Object> kpis() {
    return kpis.compute(incidentStore.recent(1000), healer.log(1000), samples);
  }

  /** The health score of the last tick. */
  public HealthReport health() {
    return predictor.health();
  }

  /** The healing log, newest first. */
  public List<HealingRecord> healingLog(int limit) {
    return healer.log(limit);
  }

  /** Approves a waiting healing attempt (levels 4-6) and runs it. */
  public HealingRecord approve(String id, String actor) {
    return healer.approve(id, actor);
  }

  public Healer healer() {
    return healer;
  }

  public HeartbeatCollector heartbeats() {
    return heartbeats;
  }

  /** Acknowledges an alert and audits who did it. */
  public Alert acknowledge(String alertId, String actor) {
    Alert a = alerts.acknowledge(alertId, actor);
    audit.append(
        new AuditEvent(
            "doctor.alert_ack",
            Severity.INFO,
            actor,
            alertId,
            Map.of("rule", a.ruleId(), "state", a.state().label())));
    return a;
  }

  @Override
  public void close() {
    for (AutoCloseable s : subscriptions) {
      try {
        s.close();
      } catch (Exception e) {
        LOG.debug("unsubscribing failed", e);
      }
    }
    subscriptions.clear();
  }

  /** Assembles a Doctor; tests use it with their own collectors and a direct executor. */
  public static final class Builder {
    private final DoctorConfig config;
    private final StateStore store;
    private final AuditTrail audit;
    private final Clock clock;
    private Path home;
    private EventBus events;
    private Extensions extensions;
    private List<MetricSource> collectors = List.of();
    private Executor actions = Runnable::run;
    private OpenClaw openclaw;
    private java.util.Optional<String> supervisor = java.util.Optional.empty();
    private io.nxs.doctor.heal.RestartNxsAction.Exit exit =
        code -> {
          throw new IllegalStateException("this Doctor was built without a way to exit");
        };

    private Builder(DoctorConfig config, StateStore store, AuditTrail audit, Clock clock) {
      this.config = config;
      this.store = store;
      this.audit = audit;
      this.clock = clock;
    }

    /** The NXS home: custom rules are read from its {@code rules/}. */
    public Builder home(Path home) {
      this.home = home;
      return this;
    }

    /** Where OpenClaw lives (the core {@code openclaw:} section); default OpenClaw's defaults. */
    public Builder openclaw(OpenClaw openclaw) {
      this.openclaw = openclaw;
      return this;
    }

    public Builder events(EventBus events) {
      this.events = events;
      return this;
    }

    public Builder extensions(Extensions extensions) {
      this.extensions = extensions;
      return this;
    }

    /** Collectors besides the heartbeat and service probes. */
    public Builder collectors(List<MetricSource> collectors) {
      this.collectors = List.copyOf(collectors);
      return this;
    }

    /** Where healing commands and notifications run; default the calling thread. */
    public Builder actions(Executor actions) {
      this.actions = actions;
      return this;
    }

    /**
     * What would start NXS again after {@code doctor.restart_nxs} (e.g. {@code systemd}), and how
     * to leave; default none, so the action refuses.
     */
    public Builder supervisor(
        java.util.Optional<String> supervisor, io.nxs.doctor.heal.RestartNxsAction.Exit exit) {
      this.supervisor = supervisor;
      this.exit = exit;
      return this;
    }

    public Doctor build() {
      return new Doctor(this);
    }
  }
}
