package io.nxs.gateway.internal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.GatewayConfig;
import io.nxs.gateway.GatewayModule;
import io.nxs.gateway.Outcome;
import io.nxs.gateway.ProviderConfig;
import io.nxs.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The router and its lanes without sockets: every attempt is answered from a script per provider,
 * and time is a {@link MutableClock} (breakers, retry budgets, Retry-After). For unit tests of the
 * retry loop, weighted order and hedging; the end-to-end tests cover the same over loopback.
 */
final class ScriptedChain implements AutoCloseable {

  /** How one scripted attempt ends. */
  record Step(Outcome outcome, int status, Duration retryAfter, String credential, boolean hold) {
    static Step ok() {
      return new Step(Outcome.OK, 200, null, null, false);
    }

    static Step status(int status) {
      return new Step(ProviderRuntime.classifyStatus(status, ""), status, null, null, false);
    }

    static Step rateLimited(Duration retryAfter) {
      return new Step(Outcome.RATE_LIMITED, 429, retryAfter, null, false);
    }

    /** Answers {@code status} only to the given credential ({@code next} or {@code current}). */
    Step forKey(String label) {
      return new Step(outcome, status, retryAfter, label, hold);
    }

    /** Holds the attempt until {@link ScriptedChain#release()}, then fails with 500. */
    static Step held() {
      return new Step(Outcome.SERVER_ERROR, 500, null, null, true);
    }
  }

  final MutableClock clock = MutableClock.startingAt2026();
  final Telemetry telemetry =
      new Telemetry(new EventBus(), event -> 1L, new SimpleMeterRegistry(), clock);
  final Router router;
  final Map<String, ProviderRuntime> providers;
  private final Map<String, Deque<Step>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Integer> calls = new ConcurrentHashMap<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final List<ProviderRuntime> runtimes = new ArrayList<>();

  ScriptedChain(String yaml) {
    this(yaml, new java.util.SplittableRandom(1));
  }

  ScriptedChain(String yaml, RandomGenerator random) {
    NxsConfig nxs =
        new ConfigLoader(new GatewayModule(Map.of()).configSections(), Map.of())
            .parse(yaml, "nxs.yaml");
    GatewayConfig config = GatewayConfig.from(nxs, Path.of("."), Map.of());
    for (ProviderConfig pc : config.providers()) {
      runtimes.add(
          new ProviderRuntime(
              pc,
              config.failover(),
              new Credentials(
                  pc.apiKey(),
                  pc.apiKeyNext(),
                  clock.instant().plus(Duration.ofDays(1)),
                  pc.name(),
                  pc.circuitBreaker(),
                  clock),
              clock));
    }
    AirGap airGap = new AirGap(Set.of(), List.of(), telemetry);
    router = new Router(config, runtimes, telemetry, airGap, random, this::attempt);
    providers = router.providers();
  }

  /** The steps a provider answers with, in order; the last one repeats. */
  ScriptedChain script(String provider, Step... steps) {
    scripts.put(provider, new ArrayDeque<>(List.of(steps)));
    return this;
  }

  int calls(String provider) {
    return calls.getOrDefault(provider, 0);
  }

  /** Lets held attempts end. */
  void release() {
    released.countDown();
  }

  /** One request for {@code model} through the router; the context keeps the trail. */
  RequestContext request(String model) {
    return new RequestContext(model, "-", router.failover().globalTimeout());
  }

  AttemptResult route(RequestContext rc) {
    UpstreamCall call =
        UpstreamCall.parse(
            "/chat/completions", ("{\"model\":\"" + rc.route() + "\",\"messages\":[]}").getBytes());
    return router.route(call, rc, router.chain(router.routeOf(rc.route()), null));
  }

  static String trail(RequestContext rc) {
    return rc.attempts().stream()
        .map(a -> a.provider() + "=" + a.outcome().label() + "/" + a.credential())
        .reduce((x, y) -> x + ", " + y)
        .orElse("");
  }

  private AttemptResult attempt(
      ProviderRuntime p,
      UpstreamCall call,
      Credentials.Key key,
      long deadlineNanos,
      java.util.function.Consumer<UpstreamExchange> onStart) {
    calls.merge(p.name(), 1, Integer::sum);
    Deque<Step> steps = scripts.get(p.name());
    Step step;
    synchronized (steps) {
      step = steps.size() > 1 ? steps.poll() : steps.peek();
      if (step.credential() != null && !step.credential().equals(key.label())) {
        step = Step.ok();
      }
    }
    if (step.hold()) {
      try {
        released.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Attempt a =
        new Attempt(
            p.name(),
            step.outcome(),
            step.status(),
            "scripted",
            key.secret().isEmpty() ? "none" : key.label(),
            clock.instant(),
            Duration.ofMillis(5));
    return switch (step.outcome()) {
      case OK ->
          new AttemptResult.Ready(
              a,
              p,
              "model",
              null,
              List.of(),
              new byte[] {'{', '}'},
              null,
              System.nanoTime() + 1_000_000_000L);
      case CLIENT_ERROR -> new AttemptResult.Rejected(a, step.status(), "{}");
      default -> new AttemptResult.Failed(a, step.retryAfter());
    };
  }

  @Override
  public void close() {
    release();
    runtimes.forEach(ProviderRuntime::close);
    telemetry.close();
  }

  /** Draws the numbers a test gives it, in order (then 0.0). */
  static final class Draws implements RandomGenerator {
    private final Deque<Double> next = new ArrayDeque<>();

    Draws(double... values) {
      for (double v : values) {
        next.add(v);
      }
    }

    @Override
    public double nextDouble() {
      Double d = next.poll();
      return d == null ? 0.0 : d;
    }

    @Override
    public long nextLong() {
      return (long) (nextDouble() * Long.MAX_VALUE);
    }
  }
}
