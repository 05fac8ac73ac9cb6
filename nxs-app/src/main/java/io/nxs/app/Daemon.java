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
import io.nxs.core.config.Durations;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.Heartbeat;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.MemoryPressure;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.lockdown.Lockdown;
import io.nxs.core.log.Redaction;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.secrets.Secrets;
import io.nxs.core.state.SecureFiles;
import io.nxs.core.state.StateStore;
import io.nxs.rollout.bootstrap.SafeModeMarker;
import io.nxs.rollout.fleet.RolloutModule;
import io.nxs.rollout.release.Restart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
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
  private final CompletableFuture<String> stopRequested;
  private final ServerConfig server;
  private Optional<SystemdNotifier> systemd = Optional.empty();
  private MemoryPressure pressure = MemoryPressure.NEVER;
  private final boolean firstStart;
  private LateWork lateWork;
  private boolean closed;

  private Daemon(
      NxsHome home,
      StateStore store,
      AuditLog audit,
      List<NxsModule> modules,
      ScheduledExecutorService scheduler,
      Dashboard dashboard,
      HttpServer http,
      CompletableFuture<String> stopRequested,
      ServerConfig server,
      boolean firstStart) {
    this.home = home;
    this.store = store;
    this.audit = audit;
    this.modules = modules;
    this.scheduler = scheduler;
    this.dashboard = dashboard;
    this.http = http;
    this.stopRequested = stopRequested;
    this.server = server;
    this.firstStart = firstStart;
  }

  /**
   * Starts everything.
   *
   * @throws NxsException (or a subtype) with a one-line reason when something cannot start;
   *     whatever had started is stopped again
   */
  public static Daemon start(NxsHome home, Map<String, String> env, Clock clock) {
    StartupPhases phases = new StartupPhases();
    boolean firstStart = home.initialize();
    // Safe mode (SPEC RO3): the config is read with every module's sections, no module starts.
    Optional<String> safeMode = SafeModeMarker.read(home.dir());
    List<NxsModule> all = Modules.create();
    List<NxsModule> modules = safeMode.isPresent() ? List.of() : all;
    // state.db and the audit log do not depend on nxs.yaml: they open on another thread while the
    // configuration loads, so the largest early steps overlap on a machine with two cores. The same
    // thread then migrates, in one pass, every table the modules' starts always need (ADR 0069),
    // while this one builds the kernel's services; the modules start once both are done.
    Executor stateThread = r -> Thread.ofVirtual().name("nxs-open-state").start(r);
    CompletableFuture<Kernel> opening =
        CompletableFuture.supplyAsync(() -> Kernel.open(home, clock), stateThread);
    List<String> folders = Kernel.moduleMigrations(modules);
    CompletableFuture<Void> migrated =
        opening.thenAcceptAsync(k -> k.store().migrate(folders), stateThread);
    prepare(modules);
    NxsConfig config;
    try {
      config = Modules.loader(all, env).load(home.config());
    } catch (RuntimeException e) {
      // Let the state thread finish before reporting the configuration error.
      migrated.handle((done, failure) -> null).join();
      opening.handle((kernel, failure) -> kernel == null ? null : kernel.closeAudit()).join();
      throw e;
    }
    phases.mark("config");
    Kernel kernel = Kernel.await(opening);
    StateStore store = kernel.store();
    AuditLog audit = kernel.audit();
    phases.mark("state+audit");
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            2, Thread.ofPlatform().name("nxs-scheduler-", 0).daemon().factory());
    List<NxsModule> started = new ArrayList<>();
    Dashboard dashboard = null;
    MemoryPressure pressure = null;
    try {
      ApiKeyStore keys = new ApiKeyStore(store, audit, clock);
      ensureAdminKey(home, keys);
      Lockdown lockdown = new Lockdown(store, audit, clock);
      if (lockdown.state().on()) {
        LOG.warn("LOCKDOWN since {}: {}", lockdown.state().since(), lockdown.state().reason());
      }
      PrometheusMeterRegistry metrics = Metrics.prometheus();
      Extensions extensions = new Extensions();
      extensions.readinessChecks().register(simpleReadiness("audit"));
      extensions.readinessChecks().register(lockdown.readiness());
      pressure = MemoryPressure.watchJvm(scheduler);
      pressure.bindTo(metrics);
      extensions.metricSources().register(pressure);
      MemoryPressure gate = pressure;
      pressure.onChange(high -> audit.append(gate.auditEvent(high)));
      LastGoodConfig lastGood = LastGoodConfig.forDaemon(home, env, clock, scheduler);
      extensions.healingActions().register(lastGood);
      EventBus events = new EventBus();
      Secrets secrets = Secrets.inHome(home.dir());
      ModuleContext context =
          new ModuleContext(
              home.dir(),
              config,
              store,
              audit,
              events,
              metrics,
              extensions,
              clock,
              scheduler,
              secrets);
      dashboard = new Dashboard(events, Version.current());
      phases.mark("kernel");
      List<HttpRoutes> routes = new ArrayList<>();
      if (safeMode.isEmpty()) {
        routes.add(dashboard);
      } else {
        LOG.warn("SAFE MODE: {}", safeMode.get());
        extensions.readinessChecks().register(safeModeReadiness(home, safeMode.get()));
      }
      routes.add(new AuditRoutes(audit));
      routes.add(new KeyRoutes(keys, lockdown));
      routes.add(new LockdownRoutes(lockdown));
      ServerConfig server = config.section(ServerConfig.SECTION);
      CompletableFuture<String> stopRequested = new CompletableFuture<>();
      routes.add(new StopRoutes(audit, server.shutdownGrace(), stopRequested));
      Kernel.await(migrated);
      phases.mark("migrations");
      for (NxsModule module : modules) {
        module.start(context);
        started.add(module);
        if (extensions.readinessChecks().find(module.name()).isEmpty()) {
          extensions.readinessChecks().register(simpleReadiness(module.name()));
        }
        routes.addAll(module.routes());
        phases.mark(module.name());
      }
      // Hot reload of secrets.yaml: each owner hears of a valid change or of a rejected one.
      scheduler.scheduleWithFixedDelay(() -> reloadSecrets(secrets), 2, 2, TimeUnit.SECONDS);
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
                  routes,
                  lockdown)
              .shedUnder(pressure)
              .start();
      lastGood.keep();
      if (server.tls() == null) {
        DaemonAddress.write(home, DaemonAddress.of(server, http.port()));
      }
      audit.append(
          new AuditEvent(
              "nxs.start",
              Severity.INFO,
              "nxs",
              home.dir().toString(),
              Map.of(
                  "pid", ProcessHandle.current().pid(),
                  "port", http.port(),
                  "modules", modules.stream().map(NxsModule::name).toList(),
                  "safe_mode", safeMode.orElse(""))));
      scheduleArchiving(scheduler, audit, config.section(AuditConfig.SECTION).retention());
      phases.mark("http");
      LOG.info("started in {}", phases.summary());
      Daemon daemon =
          new Daemon(
              home,
              store,
              audit,
              started,
              scheduler,
              dashboard,
              http,
              stopRequested,
              server,
              firstStart);
      daemon.pressure = pressure;
      daemon.systemd = SystemdNotifier.fromEnv(env);
      daemon.systemd.ifPresent(n -> n.ready(http.port(), scheduler));
      daemon.lateWork = LateWork.begin(started, scheduler, LateWork.DELAY);
      return daemon;
    } catch (RuntimeException e) {
      // The state thread may still be migrating: let it end before the audit log closes.
      migrated.handle((done, failure) -> null).join();
      DaemonAddress.remove(home);
      if (pressure != null) {
        pressure.close();
      }
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
   * Runs the modules' {@link NxsModule#prepare} on one background thread, in start order, and then
   * the HTTP server's (started last), so the work that needs no configuration overlaps the config
   * load and the earlier modules' starts on a second core. Each {@code start} waits for what it
   * needs of it, or does it itself.
   */
  private static void prepare(List<NxsModule> modules) {
    Thread.ofVirtual()
        .name("nxs-prepare")
        .start(
            () -> {
              for (NxsModule module : modules) {
                try {
                  module.prepare();
                } catch (RuntimeException e) {
                  // The module's start does the same work again and reports the failure itself.
                  LOG.debug("preparing module {} failed; its start will retry", module.name(), e);
                }
              }
              try {
                HttpServer.prepare();
              } catch (RuntimeException e) {
                // The server's start meets the same failure and reports it.
                LOG.debug("preparing the HTTP server failed; its start will retry", e);
              }
            });
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
            LOG.error("audit archiving failed; the entries stay in the live log", e);
          }
        },
        1,
        Duration.ofDays(1).toMinutes(),
        TimeUnit.MINUTES);
  }

  private static void reloadSecrets(Secrets secrets) {
    try {
      secrets.reloadIfChanged();
    } catch (RuntimeException e) {
      // Logged, not thrown: a thrown exception would cancel every later run.
      LOG.error("could not check {} for changes", secrets.path(), e);
    }
  }

  /** The state store (integrity-checked, kernel tables migrated) and the audit log on it. */
  private record Kernel(StateStore store, AuditLog audit) {

    static Kernel open(NxsHome home, Clock clock) {
      StateStore store = StateStore.open(home.stateDb());
      store.migrate(List.of("core", "audit"));
      return new Kernel(store, AuditLog.open(store, home.keys(), clock));
    }

    /** Every module's {@link NxsModule#migrationFolders}, in start order. */
    static List<String> moduleMigrations(List<NxsModule> modules) {
      return modules.stream().flatMap(m -> m.migrationFolders().stream()).toList();
    }

    /** The result of a step on the state thread, or what stopped it rethrown as it was. */
    static <T> T await(CompletableFuture<T> step) {
      try {
        return step.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause;
        }
        throw e;
      }
    }

    Kernel closeAudit() {
      audit.close();
      return this;
    }
  }

  /** The name of the readiness check that says the daemon is in safe mode. */
  public static final String SAFE_MODE_CHECK = "safe_mode";

  /** Never ready: {@code /readyz} answers 503 and says why and what to do. */
  private static ReadinessCheck safeModeReadiness(NxsHome home, String reason) {
    String detail =
        "SAFE MODE: "
            + reason
            + ". Only health, audit, keys and 'nxs backup recover' (NXS stopped) are available;"
            + " fix the cause, remove "
            + home.dir().resolve(SafeModeMarker.FILE_NAME)
            + " and restart NXS";
    return new ReadinessCheck() {
      @Override
      public String name() {
        return SAFE_MODE_CHECK;
      }

      @Override
      public Readiness check() {
        return new Readiness(false, detail);
      }
    };
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
   * Writes keys/admin.key (0600) with a fresh owner key on first start, or after it was deleted; at
   * every start the key in that file is (re)claimed as the owner key, the one admin routes accept
   * during a lockdown.
   */
  private static void ensureAdminKey(NxsHome home, ApiKeyStore keys) {
    try {
      if (Files.exists(home.adminKey())) {
        String secret = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
        Redaction.register(secret);
        if (keys.claimOwner(secret, "nxs").isEmpty()) {
          LOG.warn(
              "{} holds no valid admin key (revoked?): delete it and restart NXS for a new owner key",
              home.adminKey());
        }
        return;
      }
      CreatedKey created = keys.createOwner("bootstrap", "nxs");
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

  /**
   * Completes, with the id of the key that asked, when {@code POST /api/v1/daemon/stop} asks the
   * daemon to stop ({@code nxs stop}); whoever runs the daemon then stops it as on SIGTERM.
   */
  public CompletableFuture<String> stopRequested() {
    return stopRequested;
  }

  /**
   * Completes when the rollout installed (or went back to) a release this process must restart into
   * (SPEC RO4); never when no rollout module runs.
   */
  public CompletableFuture<Restart> restartRequested() {
    return modules.stream()
        .filter(RolloutModule.class::isInstance)
        .map(m -> ((RolloutModule) m).restartRequested())
        .findFirst()
        .orElseGet(CompletableFuture::new);
  }

  /**
   * Where a client on this machine reaches the daemon, e.g. {@code http://127.0.0.1:8787/}; {@code
   * https://localhost:PORT/} with {@code server.tls}.
   */
  public String url() {
    boolean local =
        List.of("0.0.0.0", "::", "127.0.0.1", "localhost", "::1").contains(server.host());
    // A certificate names hosts, rarely an address: over TLS a local daemon is 'localhost'.
    String host = !local ? server.host() : server.tls() != null ? "localhost" : "127.0.0.1";
    return server.scheme()
        + "://"
        + (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + port()
        + "/";
  }

  /** Whether this start created the home. */
  public boolean firstStart() {
    return firstStart;
  }

  public NxsHome home() {
    return home;
  }

  /**
   * Closes for a restart into a release ({@link #restartRequested}): as {@link #close}, but systemd
   * hears of a restart in place, not of a stop.
   */
  public synchronized void closeForRestart() {
    if (!closed) {
      systemd.ifPresent(SystemdNotifier::reloading);
    }
    close(true);
  }

  /** Drains HTTP, stops modules, records the stop and flushes the audit log. Idempotent. */
  @Override
  public synchronized void close() {
    close(false);
  }

  private void close(boolean restarting) {
    if (closed) {
      return;
    }
    closed = true;
    if (!restarting) {
      systemd.ifPresent(SystemdNotifier::stopping);
    }
    DaemonAddress.remove(home);
    lateWork.cancel();
    dashboard.close();
    int unfinished = http.stop();
    for (NxsModule m : modules.reversed()) {
      try {
        m.close();
      } catch (RuntimeException e) {
        LOG.error("module {} did not stop cleanly", m.name(), e);
      }
    }
    pressure.close();
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
