package io.nxs.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nxs.core.http.ApiException;
import io.nxs.gateway.FailoverConfig;
import io.nxs.gateway.GatewayConfig;
import io.nxs.gateway.ProviderConfig;
import io.nxs.gateway.ResidencyConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Picks the chain for a request (model name, residency, air gap) and walks it in the configured
 * mode (GW4): {@code sequential}, {@code parallel} (hedged) or {@code weighted}.
 *
 * <p>Design note: each provider in the chain is a {@link Lane}, which owns that provider's retry
 * loop (breaker permission, retry budget, credential fallback, Retry-After). Sequential mode runs
 * lanes one after another on the request's thread; parallel mode starts the first lane on a virtual
 * thread, starts the next when the hedge delay passes or a lane fails, takes the first lane that
 * reaches its point of no return, and cancels the rest, which closes their connections.
 */
final class Router {

  private final Map<String, ProviderRuntime> byName = new LinkedHashMap<>();
  private final List<ProviderRuntime> defaultChain;
  private final Map<String, List<ProviderRuntime>> routes = new LinkedHashMap<>();
  private final FailoverConfig failover;
  private final Telemetry telemetry;
  private final AirGap airGap;
  private final AttemptLog log;
  private final RandomGenerator random;
  private final ProviderLane.Attempter attempter;

  /**
   * @param random draws the order of {@code weighted} mode
   * @param attempter makes one attempt on one provider ({@link ProviderRuntime#attempt}; a unit
   *     test gives a scripted one)
   */
  Router(
      GatewayConfig config,
      List<ProviderRuntime> runtimes,
      Telemetry telemetry,
      AirGap airGap,
      RandomGenerator random,
      ProviderLane.Attempter attempter) {
    for (ProviderRuntime r : runtimes) {
      byName.put(r.name(), r);
    }
    this.defaultChain = List.copyOf(runtimes);
    config
        .routes()
        .chains()
        .forEach((route, names) -> routes.put(route, names.stream().map(byName::get).toList()));
    this.failover = config.failover();
    this.telemetry = telemetry;
    this.airGap = airGap;
    this.log = new AttemptLog(airGap, telemetry);
    this.random = random;
    this.attempter = attempter;
  }

  /** Where attempts are written down; the request flow writes a stream's cut there too. */
  AttemptLog attemptLog() {
    return log;
  }

  /** The lane of one provider of a request's chain. */
  ProviderLane lane(ProviderRuntime p, UpstreamCall call, RequestContext rc) {
    return new ProviderLane(p, call, rc, failover, airGap, telemetry, log, attempter);
  }

  FailoverConfig failover() {
    return failover;
  }

  /** Whether air-gapped mode is on (GW12): a remote provider's answer would end it, and say so. */
  boolean airGapped() {
    return airGap.active();
  }

  Map<String, ProviderRuntime> providers() {
    return byName;
  }

  List<String> routeNames() {
    return List.copyOf(routes.keySet());
  }

  /** The route a model name selects: a provider's name, a route's name, or {@code auto}. */
  String routeOf(String model) {
    if (model != null && (byName.containsKey(model) || routes.containsKey(model))) {
      return model;
    }
    return GatewayConfig.AUTO;
  }

  /**
   * The chain for a request, in the order the mode walks it.
   *
   * @param residency the {@code x-nxs-residency} tag, or null (GW10)
   * @throws ApiException 400 when no provider may serve the residency, 503 when none is configured
   */
  List<ProviderRuntime> chain(String route, String residency) {
    List<ProviderRuntime> chain =
        byName.containsKey(route)
            ? List.of(byName.get(route))
            : routes.getOrDefault(route, defaultChain);
    if (chain.isEmpty()) {
      throw new ApiException(
          503,
          "server_error",
          "no_providers",
          "no providers are configured: add a providers: section (or providers_file:) to nxs.yaml");
    }
    if (residency != null && !residency.isBlank()) {
      String tag = residency.strip().toLowerCase(java.util.Locale.ROOT);
      List<ProviderRuntime> allowed = chain.stream().filter(p -> allows(p.config(), tag)).toList();
      if (allowed.isEmpty()) {
        throw new ApiException(
            400,
            "invalid_request_error",
            "residency_unavailable",
            "no provider on route '"
                + route
                + "' may process data for residency '"
                + tag
                + "': give a provider region: "
                + tag
                + " or use a local provider");
      }
      chain = allowed;
    }
    if (chain.size() == 1) {
      return chain; // a provider named by the client, or a chain of one: nothing to order
    }
    List<ProviderRuntime> ordered = new ArrayList<>(chain);
    if (!routes.containsKey(route)) {
      // The default chain goes by priority, the faster first among equals (GW10); a route keeps
      // the order its operator wrote.
      Map<ProviderRuntime, Long> latency = new java.util.IdentityHashMap<>();
      ordered.forEach(p -> latency.put(p, latencyRank(p)));
      ordered.sort(
          Comparator.comparingInt((ProviderRuntime p) -> p.config().priority())
              .thenComparingLong(latency::get));
    }
    if (failover.mode() == FailoverConfig.Mode.WEIGHTED) {
      ordered = weightedOrder(ordered);
    }
    return ordered;
  }

  /**
   * GW10: a provider may serve a residency when its region is it (or within it). A provider with no
   * region may serve it only when it is local (the data stays on this machine); a local address
   * with a region is judged by the region, since a loopback proxy may forward anywhere.
   */
  static boolean allows(ProviderConfig p, String residency) {
    if (p.region() == null) {
      return p.local();
    }
    return ResidencyConfig.within(p.region(), residency);
  }

  private static long latencyRank(ProviderRuntime p) {
    long p50 = p.stats().snapshot().p50Millis();
    return p50 < 0 ? Long.MAX_VALUE : p50;
  }

  /** Weighted random order without replacement; an unhealthy provider's weight shrinks. */
  private List<ProviderRuntime> weightedOrder(List<ProviderRuntime> chain) {
    List<ProviderRuntime> left = new ArrayList<>(chain);
    List<ProviderRuntime> out = new ArrayList<>(chain.size());
    while (!left.isEmpty()) {
      double[] w = new double[left.size()];
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        ProviderRuntime p = left.get(i);
        double health =
            p.breaker().state() == CircuitBreaker.State.CLOSED
                ? 1 - 0.9 * p.stats().snapshot().errorRate()
                : 0.01;
        w[i] = p.config().weight() * health;
        sum += w[i];
      }
      double pick = random.nextDouble() * sum;
      int chosen = w.length - 1;
      for (int i = 0; i < w.length; i++) {
        pick -= w[i];
        if (pick < 0) {
          chosen = i;
          break;
        }
      }
      out.add(left.remove(chosen));
    }
    return out;
  }

  /**
   * Walks the chain until a provider answers.
   *
   * @return the winner ({@link AttemptResult.Ready}), the upstream's rejection of the client's
   *     request ({@link AttemptResult.Rejected}), or null when every provider failed
   */
  AttemptResult route(UpstreamCall call, RequestContext rc, List<ProviderRuntime> chain) {
    if (hedged(chain)) {
      return hedge(call, rc, chain);
    }
    return walk(call, rc, chain, null);
  }

  /** Whether the chain is raced ({@code parallel} mode) rather than walked one by one. */
  boolean hedged(List<ProviderRuntime> chain) {
    return failover.mode() == FailoverConfig.Mode.PARALLEL && chain.size() > 1;
  }

  /**
   * Walks the chain one provider after another (sequential and weighted modes).
   *
   * @param first the first provider's lane when it has started already (the event loop's exchange
   *     made its first attempt), or null
   */
  AttemptResult walk(
      UpstreamCall call, RequestContext rc, List<ProviderRuntime> chain, ProviderLane first) {
    AttemptResult.Rejected tooLong = null;
    for (int i = 0; i < chain.size(); i++) {
      ProviderRuntime p = chain.get(i);
      AttemptResult r = (i == 0 && first != null ? first : lane(p, call, rc)).run();
      if (r instanceof AttemptResult.Rejected rejected
          && isContextLength(rejected)
          && largerWindowLater(chain, i)) {
        // GW5: a prompt too long for this model may fit a later, larger one; if none answers,
        // the client still gets this 400 rather than a gateway error.
        tooLong = tooLong == null ? rejected : tooLong;
        continue;
      }
      if (!(r instanceof AttemptResult.Failed)) {
        return r;
      }
      if (rc.expired()) {
        break;
      }
    }
    return tooLong;
  }

  private static final java.util.regex.Pattern CONTEXT_LENGTH =
      java.util.regex.Pattern.compile(
          "(?i)context_length_exceeded|context length|maximum context|context window|too many tokens");

  static boolean isContextLength(AttemptResult.Rejected r) {
    return r.status() == 400 && r.body() != null && CONTEXT_LENGTH.matcher(r.body()).find();
  }

  private static boolean largerWindowLater(List<ProviderRuntime> chain, int index) {
    int window = chain.get(index).config().contextWindow();
    if (window <= 0) {
      return false;
    }
    for (int j = index + 1; j < chain.size(); j++) {
      if (chain.get(j).config().contextWindow() > window) {
        return true;
      }
    }
    return false;
  }

  private AttemptResult hedge(UpstreamCall call, RequestContext rc, List<ProviderRuntime> chain) {
    LinkedBlockingQueue<ProviderLane> done = new LinkedBlockingQueue<>();
    Object lock = new Object();
    boolean[] decided = {false};
    List<ProviderLane> running = new ArrayList<>();
    Iterator<ProviderRuntime> pending = chain.iterator();
    Runnable startNext =
        () -> {
          ProviderLane lane = lane(pending.next(), call, rc);
          running.add(lane);
          lane.thread =
              Thread.ofVirtual()
                  .name("nxs-hedge-" + lane.provider().name())
                  .start(
                      () -> {
                        lane.result = lane.run();
                        synchronized (lock) {
                          if (decided[0]) {
                            lane.discard();
                          } else {
                            done.add(lane);
                          }
                        }
                      });
        };
    startNext.run();
    long hedgeNanos = failover.hedgeDelay().toNanos();
    long nextHedgeAt = System.nanoTime() + hedgeNanos;
    try {
      while (true) {
        if (running.isEmpty() && !pending.hasNext()) {
          return null;
        }
        long now = System.nanoTime();
        long until =
            pending.hasNext() ? Math.min(nextHedgeAt, rc.deadlineNanos()) : rc.deadlineNanos();
        ProviderLane finished = done.poll(Math.max(0, until - now), TimeUnit.NANOSECONDS);
        if (finished == null) {
          if (rc.expired()) {
            return null;
          }
          if (pending.hasNext()) {
            startNext.run();
            nextHedgeAt = System.nanoTime() + hedgeNanos;
          }
          continue;
        }
        running.remove(finished);
        if (!(finished.result instanceof AttemptResult.Failed)) {
          return finished.result;
        }
        if (pending.hasNext()) {
          startNext.run();
          nextHedgeAt = System.nanoTime() + hedgeNanos;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      synchronized (lock) {
        decided[0] = true;
        for (ProviderLane l = done.poll(); l != null; l = done.poll()) {
          l.discard();
        }
      }
      for (ProviderLane l : running) {
        l.cancel();
      }
      // Cancelling closes the losers' connections, so their attempts end at once; waiting for
      // that (briefly) puts them in the attempt trail the client receives.
      long until = System.nanoTime() + LOSER_GRACE_NANOS;
      for (ProviderLane l : running) {
        try {
          long left = until - System.nanoTime();
          if (left > 0 && l.thread != null) {
            l.thread.join(java.time.Duration.ofNanos(left));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  private static final long LOSER_GRACE_NANOS = 100_000_000L;
}
