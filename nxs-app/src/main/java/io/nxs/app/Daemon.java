package io.nxs.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.app.web.Dashboard;
import io.nxs.audit.ArchiveResult;
import io.nxs.audit.AuditConfig;
import io.nxs.audit.AuditLog;
import io.nxs.audit.AuditRoutes;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.Durations;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.Heartbeat;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.log.Redaction;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.state.SecureFiles;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: state store, audit log, modules and the HTTP server, started in that order
 * and stopped in reverse.
 */
public final class Daemon implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** How often the daemon publishes its {@link Heartbeat}. */
  static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(10);

  private final NxsHome home;
  private final StateStore store;
  private final AuditLog audit;
  private final List<NxsModule> modules;
  private final ScheduledExecutorService scheduler;
  private final Dashboard dashboard;
  private final HttpServer http;
  private Optional<SystemdNotifier> systemd = Optional.empty();
  private final boolean firstStart;
  private boolean closed;

  private Daemon(
      NxsHome home,
      StateStore store,
      AuditLog audit,
      List<NxsModule> modules,
      ScheduledExecutorService scheduler,
      Dashboard dashboard,
      HttpServer http,
      boolean firstStart) {
    this.home = home;
    this.store = store;
    this.audit = audit;
    this.modules = modules;
    this.scheduler = scheduler;
    this.dashboard = dashboard;
    this.http = http;
    this.firstStart = firstStart;
  }

  /**
   * Starts everything.
   *
   * @throws NxsException (or a subtype) with a one-line reason when something cannot start;
   *     whatever had started is stopped again
   */
  public static Daemon start(NxsHome home, Map<String, String> env, Clock clock) {
    boolean firstStart = home.initialize();
    List<NxsModule> modules = Modules.create();
    NxsConfig config = Modules.loader(modules, env).load(home.config());
    StateStore store = StateStore.open(home.stateDb());
    store.migrate("core");
    AuditLog audit = AuditLog.open(store, home.keys(), clock);
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("nxs-scheduler-", 0).daemon().factory());
    List<NxsModule> started = new ArrayList<>();
    Dashboard dashboard = null;
    try {
      ApiKeyStore keys = new ApiKeyStore(store, audit, clock);
      ensureAdminKey(home, keys);
      PrometheusMeterRegistry metrics = Metrics.prometheus();
      Extensions extensions = new Extensions();
      extensions.readinessChecks().register(simpleReadiness("audit"));
      LastGoodConfig lastGood = LastGoodConfig.forDaemon(home, env, clock, scheduler);
      extensions.healingActions().register(lastGood);
      EventBus events = new EventBus();
      ModuleContext context =
          new ModuleContext(
              home.dir(), config, store, audit, events, metrics, extensions, clock, scheduler);
      dashboard = new Dashboard(events, Version.current());
      List<HttpRoutes> routes = new ArrayList<>();
      routes.add(dashboard);
      routes.add(new AuditRoutes(audit));
      routes.add(new KeyRoutes(keys));
      for (NxsModule module : modules) {
        module.start(context);
        started.add(module);
        if (extensions.readinessChecks().find(module.name()).isEmpty()) {
          extensions.readinessChecks().register(simpleReadiness(module.name()));
        }
        routes.addAll(module.routes());
      }
      ServerConfig server = config.section(ServerConfig.SECTION);
      // A sign of life for the Doctor's nxs.last_heartbeat: published by the shared scheduler, so a
      // wedged scheduler shows as a missing heartbeat.
      scheduler.scheduleAtFixedRate(
          () -> events.publish(new Heartbeat(clock.instant(), "daemon")),
          0,
          HEARTBEAT_PERIOD.toMillis(),
          TimeUnit.MILLISECONDS);
      HttpServer http =
          new HttpServer(
                  server,
                  keys,
                  new AuthFailureLimiter(clock),
                  audit,
                  metrics,
                  extensions.readinessChecks(),
                  routes)
              .start();
      lastGood.keep();
      audit.append(
          new AuditEvent(
              "nxs.start",
              Severity.INFO,
              "nxs",
              home.dir().toString(),
              Map.of(
                  "pid", ProcessHandle.current().pid(),
                  "port", http.port(),
                  "modules", modules.stream().map(NxsModule::name).toList())));
      scheduleArchiving(scheduler, audit, config.section(AuditConfig.SECTION).retention());
      Daemon daemon =
          new Daemon(home, store, audit, started, scheduler, dashboard, http, firstStart);
      daemon.systemd = SystemdNotifier.fromEnv(env);
      daemon.systemd.ifPresent(n -> n.ready(http.port(), scheduler));
      return daemon;
    } catch (RuntimeException e) {
      if (dashboard != null) {
        dashboard.close();
      }
      for (NxsModule m : started.reversed()) {
        m.close();
      }
      scheduler.shutdownNow();
      audit.close();
      throw e;
    }
  }

  /**
   * Moves audit entries older than the retention to a signed archive (AU3) a minute after start and
   * then daily, so a daemon restarted every night still archives.
   */
  private static void scheduleArchiving(
      ScheduledExecutorService scheduler, AuditLog audit, Duration retention) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            ArchiveResult result = audit.archive(retention);
            if (result.entries() > 0) {
              LOG.info(
                  "archived {} audit entries older than {}",
                  result.entries(),
                  Durations.format(retention));
            }
          } catch (RuntimeException e) {
            // Logged, not thrown: a thrown exception would cancel every later run.
            LOG.error(
                "audit archiving failed; the entries stay in the live log: {}", e.getMessage());
          }
        },
        1,
        Duration.ofDays(1).toMinutes(),
        TimeUnit.MINUTES);
  }

  private static ReadinessCheck simpleReadiness(String name) {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Readiness check() {
        return Readiness.ok();
      }
    };
  }

  /**
   * Writes keys/admin.key (0600) with a fresh admin key on first start, or after it was deleted.
   */
  private static void ensureAdminKey(NxsHome home, ApiKeyStore keys) {
    try {
      if (Files.exists(home.adminKey())) {
        String secret = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
        Redaction.register(secret);
        if (keys.authenticate(secret).isEmpty()) {
          LOG.warn(
              "{} holds no valid key (revoked?); create one with: nxs key create --scope admin",
              home.adminKey());
        }
        return;
      }
      CreatedKey created = keys.create(Scope.ADMIN, "bootstrap", null, "nxs");
      SecureFiles.writeAtomically(
          home.adminKey(), (created.secret() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new NxsException("cannot read " + home.adminKey() + ": " + e.getMessage(), e);
    }
  }

  /** The bound HTTP port. */
  public int port() {
    return http.port();
  }

  /** Whether this start created the home. */
  public boolean firstStart() {
    return firstStart;
  }

  public NxsHome home() {
    return home;
  }

  /** Drains HTTP, stops modules, records the stop and flushes the audit log. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    systemd.ifPresent(SystemdNotifier::stopping);
    dashboard.close();
    int unfinished = http.stop();
    for (NxsModule m : modules.reversed()) {
      try {
        m.close();
      } catch (RuntimeException e) {
        LOG.error("module {} did not stop cleanly", m.name(), e);
      }
    }
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    audit.append(
        new AuditEvent(
            "nxs.stop",
            Severity.INFO,
            "nxs",
            home.dir().toString(),
            Map.of("unfinished_requests", unfinished)));
    audit.close();
    LOG.info("stopped{}", unfinished == 0 ? "" : " with " + unfinished + " unfinished requests");
  }

  StateStore store() {
    return store;
  }
}
