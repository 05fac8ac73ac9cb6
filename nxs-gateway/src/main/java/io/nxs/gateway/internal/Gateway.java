package io.nxs.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.ext.Extensions;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.secrets.Secrets;
import io.nxs.core.state.StateStore;
import io.nxs.gateway.BudgetsConfig;
import io.nxs.gateway.ForwardingConfig;
import io.nxs.gateway.GatewayConfig;
import io.nxs.gateway.ProviderConfig;
import io.nxs.gateway.ResidencyConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * The gateway's run-time graph: one {@link ProviderRuntime} per provider, the router, usage ledger,
 * air-gap tracker and telemetry, built from a checked {@link GatewayConfig}.
 */
public final class Gateway implements AutoCloseable {

  private final GatewayConfig config;
  private final List<ProviderRuntime> runtimes = new ArrayList<>();
  private final Router router;
  private final Telemetry telemetry;
  private final UsageLedger usage;
  private final AirGap airGap;
  private final CredentialRotation rotation;
  private final BudgetGuard budgets;
  private final RequestFlow flow;

  /**
   * The event loop's client for the common request (ADR 0037); null with {@code
   * -Dnxs.gateway.loopExchange=false}.
   */
  private final LoopUpstream loopUpstream;

  private volatile PeerForwarding peers;

  /**
   * @param secrets the home's {@code secrets.yaml}; the gateway binds its {@code providers} section
   * @throws io.nxs.core.NxsException when the secrets file is invalid
   */
  public Gateway(
      GatewayConfig config,
      BudgetsConfig budgetsConfig,
      ResidencyConfig residency,
      StateStore store,
      Telemetry telemetry,
      RandomGenerator random,
      Secrets secrets) {
    this.config = config;
    this.telemetry = telemetry;
    Clock clock = telemetry.clock();
    this.loopUpstream =
        LoopUpstream.enabled()
            ? new LoopUpstream(telemetry.metrics(), UpstreamAddresses.system())
            : null;
    for (ProviderConfig pc : config.providers()) {
      ProviderRuntime r =
          new ProviderRuntime(
              pc,
              config.failover(),
              new Credentials(
                  pc.apiKey(),
                  pc.apiKeyNext(),
                  clock.instant().plus(config.failover().rotationOverlap()),
                  pc.name(),
                  pc.circuitBreaker(),
                  clock),
              clock);
      watch(r);
      runtimes.add(r);
    }
    Set<String> remote =
        config.providers().stream()
            .filter(p -> !p.local())
            .map(ProviderConfig::name)
            .collect(Collectors.toSet());
    List<String> local =
        config.providers().stream()
            .filter(ProviderConfig::local)
            .map(ProviderConfig::name)
            .toList();
    this.airGap = new AirGap(remote, local, telemetry);
    this.router =
        new Router(config, runtimes, telemetry, airGap, random, ProviderLane.Attempter.HTTP);
    this.usage = new UsageLedger(store, clock);
    this.budgets = new BudgetGuard(budgetsConfig, telemetry, usage.monthToDate());
    this.flow = new RequestFlow(router, budgets, usage, telemetry, router.attemptLog(), residency);
    this.rotation =
        new CredentialRotation(secrets, router.providers(), config.failover(), telemetry);
    rotation.start();
  }

  /** Registers the health sources, readiness check, figures and healing action. */
  public void register(Extensions extensions) {
    GatewayExtensions.register(this, extensions);
  }

  /**
   * Joins the cluster through the core ports (CL7): breaker states are shared, and a request no
   * local provider answers may go to another instance. Does nothing visible for a single node.
   */
  public void joinCluster(ClusterPorts ports, ForwardingConfig forwarding) {
    ClusterBreakers shared = new ClusterBreakers(ports, telemetry.clock());
    runtimes.forEach(shared::attach);
    PeerForwarding p = new PeerForwarding(ports, forwarding, telemetry);
    peers = p;
    flow.forwardThrough(p);
  }

  /** Probes one provider now (GW8): {@code GET /v1/models}. */
  ProviderRuntime.ProbeResult probe(ProviderRuntime p) {
    ProviderRuntime.ProbeResult r =
        p.probe(
            p.credentials().order().getFirst(),
            System.nanoTime() + p.config().firstTokenTimeout().toNanos());
    airGap.observe(p.name(), r.outcome());
    return r;
  }

  /** Probes every provider in parallel and waits for them (bounded by their timeouts). */
  public void probeAll() {
    List<Thread> threads = new ArrayList<>();
    for (ProviderRuntime p : runtimes) {
      threads.add(Thread.ofVirtual().name("nxs-probe-" + p.name()).start(() -> probe(p)));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Hot reload of the secrets file and the end of rotation overlaps (GW7). */
  public void maintainCredentials() {
    rotation.reloadIfChanged();
    rotation.evaluate();
  }

  boolean airGapped() {
    return airGap.active();
  }

  BudgetGuard budgets() {
    return budgets;
  }

  CredentialRotation rotation() {
    return rotation;
  }

  private void watch(ProviderRuntime r) {
    CircuitBreaker b = r.breaker().circuitBreaker();
    b.getEventPublisher()
        .onStateTransition(
            e ->
                telemetry.breakerTransition(
                    r.name(),
                    e.getStateTransition().getFromState().name(),
                    e.getStateTransition().getToState().name(),
                    r.stats().snapshot().lastFailure() == null
                        ? ""
                        : r.stats().snapshot().lastFailure()));
    Gauge.builder("nxs.gateway.breaker.state", b, cb -> stateValue(cb.getState()))
        .description("Breaker state: 0 closed, 1 half open, 2 open")
        .tag("provider", r.name())
        .register(telemetry.metrics());
    for (String label : List.of(Credentials.CURRENT, Credentials.NEXT)) {
      CircuitBreaker cb = r.credentials().breaker(label).circuitBreaker();
      cb.getEventPublisher()
          .onStateTransition(
              e ->
                  telemetry.credentialBreakerTransition(
                      r.name(),
                      label,
                      e.getStateTransition().getFromState().name(),
                      e.getStateTransition().getToState().name()));
      Gauge.builder("nxs.gateway.credential.breaker.state", cb, c -> stateValue(c.getState()))
          .description("Credential breaker state: 0 closed, 1 half open, 2 open")
          .tag("provider", r.name())
          .tag("credential", label)
          .register(telemetry.metrics());
    }
  }

  private static double stateValue(CircuitBreaker.State s) {
    return switch (s) {
      case CLOSED, DISABLED, METRICS_ONLY -> 0;
      case HALF_OPEN -> 1;
      case OPEN, FORCED_OPEN -> 2;
    };
  }

  /** The HTTP routes: the OpenAI-compatible proxy and the provider API. */
  public List<HttpRoutes> routes() {
    LoopProxy onLoop = loopUpstream == null ? null : new LoopProxy(flow, router, loopUpstream);
    return List.of(new ProxyRoutes(this, flow, onLoop), new ProviderRoutes(this));
  }

  public GatewayConfig config() {
    return config;
  }

  Router router() {
    return router;
  }

  Telemetry telemetry() {
    return telemetry;
  }

  public UsageLedger usage() {
    return usage;
  }

  List<ProviderRuntime> runtimes() {
    return runtimes;
  }

  /** Writes pending usage totals. */
  public void flush() {
    usage.flush();
  }

  @Override
  public void close() {
    try {
      usage.flush();
    } finally {
      if (loopUpstream != null) {
        loopUpstream.close();
      }
      runtimes.forEach(ProviderRuntime::close);
      PeerForwarding p = peers;
      if (p != null) {
        p.close();
      }
    }
  }
}
