package io.nxs.gateway.bench;

import io.nxs.audit.AuditLog;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.state.StateStore;
import io.nxs.gateway.GatewayModule;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * The system under load for {@code bench/gateway-overhead.sh}: a fast loopback upstream, a dead one
 * (refuses), a failing one (503), and NXS's gateway in front of them, wired exactly as the daemon
 * wires it (state store, audit log, key gate, HTTP server on virtual threads). Prints one line
 * {@code READY upstream=P nxs=P key=K} and serves until killed.
 *
 * <p>Models: {@code fast} (the fast upstream alone), {@code refuse-then-fast} and {@code
 * 503-then-fast} (a failing first provider, then the fast one). Breakers are set so they do not
 * open during the run: every request pays the failover.
 */
public final class OverheadBenchServer {

  private OverheadBenchServer() {}

  public static void main(String[] args) throws Exception {
    FakeUpstream fast = FakeUpstream.start("fast");
    FakeUpstream dead = FakeUpstream.start("dead");
    dead.kill();
    FakeUpstream err = FakeUpstream.start("err").always(Script.status(503));
    Path home = Files.createTempDirectory("nxs-bench-");
    Clock clock = Clock.systemUTC();
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    AuditLog audit = AuditLog.open(store, home.resolve("keys"), clock);
    String breaker =
        "    circuit_breaker: {failure_threshold: 1000, failure_rate_threshold: 100, window: 1s}\n";
    String yaml =
        "providers:\n"
            + "  - name: fast\n    base_url: "
            + fast.baseUrl()
            + "\n    model: m\n    priority: 1\n"
            + breaker
            + "  - name: dead\n    base_url: "
            + dead.baseUrl()
            + "\n    model: m\n    priority: 2\n"
            + breaker
            + "  - name: err\n    base_url: "
            + err.baseUrl()
            + "\n    model: m\n    priority: 3\n"
            + breaker
            + "failover: {retry_budget: 0, min_retries_per_second: 0, max_retries_per_provider: 0}\n"
            + "routes:\n  refuse-then-fast: [dead, fast]\n  503-then-fast: [err, fast]\n";
    GatewayModule module = new GatewayModule(Map.of());
    NxsConfig config =
        new ConfigLoader(module.configSections(), Map.of()).parse(yaml, "bench.yaml");
    Extensions extensions = new Extensions();
    module.start(
        new ModuleContext(
            home,
            config,
            store,
            audit,
            new EventBus(),
            Metrics.prometheus(),
            extensions,
            clock,
            Executors.newScheduledThreadPool(1)));
    ApiKeyStore keys = new ApiKeyStore(store, audit, clock);
    String key = keys.create(Scope.READ, "bench", null, "bench").secret();
    HttpServer server =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(1)),
                keys,
                new AuthFailureLimiter(clock),
                audit,
                Metrics.prometheus(),
                extensions.readinessChecks(),
                List.copyOf(module.routes()))
            .start();
    System.out.println("READY upstream=" + fast.port() + " nxs=" + server.port() + " key=" + key);
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
