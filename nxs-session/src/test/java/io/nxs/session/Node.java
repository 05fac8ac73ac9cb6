package io.nxs.session;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.audit.AuditLog;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.openclaw.OpenClawHome;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One NXS instance for session tests, in this JVM: its own home (state.db, the real signed audit
 * log), the session module on a real HTTP server on loopback with a real key store, and its own
 * real OpenClaw home. {@link #restart} stops the server and starts it again on the same port.
 */
final class Node implements AutoCloseable {

  final Path home;
  final OpenClawHome claw;
  final MutableClock clock;
  final StateStore store;
  final AuditLog audit;
  final Extensions extensions = new Extensions();
  final EventBus events = new EventBus();
  final SessionConfig config;
  final SessionModule module;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ApiKeyStore keys;
  private final PrometheusMeterRegistry metrics = Metrics.prometheus();
  final String adminKey;
  private HttpServer http;
  private int port;

  Node(Path home, OpenClawHome claw, SessionConfig config, Instant now) {
    this(home, claw, config, now, 0);
  }

  /** A node on a given port (0: any), e.g. the same home again after a restart. */
  Node(Path home, OpenClawHome claw, SessionConfig config, Instant now, int port) {
    this.home = home;
    this.claw = claw;
    this.config = config;
    this.clock = new MutableClock(now);
    try {
      Files.createDirectories(home);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    audit = AuditLog.open(store, home.resolve("keys"), clock);
    Map<String, String> env = new HashMap<>(claw.cli().environment());
    module = new SessionModule(env);
    OpenClawConfig openclaw =
        new OpenClawConfig(
            claw.layout().home(), claw.install().command(), URI.create("http://127.0.0.1:9"));
    module.start(
        new ModuleContext(
            home,
            new NxsConfig(
                "test",
                Map.of(
                    SessionConfig.SECTION.name(), config, OpenClawConfig.SECTION.name(), openclaw)),
            store,
            audit,
            events,
            metrics,
            extensions,
            clock,
            scheduler));
    keys = new ApiKeyStore(store, audit, clock);
    adminKey = keys.create(Scope.ADMIN, "admin", null, "test").secret();
    startHttp(port);
  }

  private void startHttp(int at) {
    http =
        new HttpServer(
                new ServerConfig("127.0.0.1", at, Duration.ofSeconds(1)),
                keys,
                new AuthFailureLimiter(clock),
                audit,
                metrics,
                extensions.readinessChecks(),
                module.routes())
            .start();
    port = http.port();
  }

  /** The HTTP server goes away (connections refused) until {@link #startAgain}. */
  void stopHttp() {
    http.stop();
  }

  void startAgain() {
    startHttp(port);
  }

  int port() {
    return port;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  Path keyFile() {
    Path f = home.resolve("peer.key");
    try {
      Files.writeString(f, adminKey + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return f;
  }

  @Override
  public void close() {
    http.stop();
    module.close();
    scheduler.shutdownNow();
    audit.close();
  }
}
