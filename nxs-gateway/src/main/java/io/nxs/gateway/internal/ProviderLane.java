package io.nxs.gateway.internal;

import io.nxs.gateway.Attempt;
import io.nxs.gateway.FailoverConfig;
import io.nxs.gateway.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One provider's part of a request (GW4, GW5, GW7): its retry loop under the breaker and the retry
 * budget, the credential pair (next key first, current key on 401/403), Retry-After cool-down, and
 * the record of every attempt. A hedging coordinator may cancel it, which closes its connection.
 */
final class ProviderLane {
  private final ProviderRuntime provider;
  private final UpstreamCall call;
  private final RequestContext rc;
  private volatile boolean cancelled;
  private volatile UpstreamExchange current;
  volatile AttemptResult result;
  volatile Thread thread;

  private final FailoverConfig failover;
  private final AirGap airGap;
  private final Telemetry telemetry;
  private final AttemptLog log;
  private final Attempter attempter;

  /** Makes one attempt on a provider with one credential, read up to the point of no return. */
  @FunctionalInterface
  interface Attempter {
    /** The real one: {@link ProviderRuntime#attempt}, an HTTP exchange. */
    Attempter HTTP = ProviderRuntime::attempt;

    /**
     * @param deadlineNanos the request's deadline ({@code System.nanoTime()})
     * @param onStart receives the exchange as soon as it exists, so a hedging loser can be
     *     cancelled
     */
    AttemptResult attempt(
        ProviderRuntime provider,
        UpstreamCall call,
        Credentials.Key key,
        long deadlineNanos,
        Consumer<UpstreamExchange> onStart);
  }

  ProviderLane(
      ProviderRuntime provider,
      UpstreamCall call,
      RequestContext rc,
      FailoverConfig failover,
      AirGap airGap,
      Telemetry telemetry,
      AttemptLog log,
      Attempter attempter) {
    this.provider = provider;
    this.call = call;
    this.rc = rc;
    this.failover = failover;
    this.airGap = airGap;
    this.telemetry = telemetry;
    this.log = log;
    this.attempter = attempter;
  }

  ProviderRuntime provider() {
    return provider;
  }

  AttemptResult result() {
    return result;
  }

  /** Stops the lane and closes its connection. */
  void cancel() {
    cancelled = true;
    UpstreamExchange ex = current;
    if (ex != null) {
      ex.cancel();
    }
  }

  /** A lane that finished after the race was decided: close what it holds. */
  void discard() {
    cancelled = true;
    if (result instanceof AttemptResult.Ready r && r.exchange() != null) {
      r.exchange().cancel();
    }
  }

  AttemptResult run() {
    int tries = 1 + Math.min(provider.config().retry(), failover.maxRetriesPerProvider());
    AttemptResult last = null;
    for (int i = 0; i < tries; i++) {
      if (cancelled) {
        break;
      }
      if (rc.expired()) {
        last = skipped(Outcome.DEADLINE, "the request's global_timeout passed");
        break;
      }
      if (airGap.active() && !provider.config().local()) {
        last = skipped(Outcome.AIR_GAPPED, "remote providers are unreachable; using local ones");
        break;
      }
      if (i == 0) {
        provider.budget().onFirstAttempt();
      } else if (!provider.budget().tryRetry()) {
        last = skipped(Outcome.RETRY_BUDGET, "the provider's retry budget is spent");
        break;
      }
      java.util.Optional<String> heldBy = provider.heldElsewhere();
      if (heldBy.isPresent()) {
        last =
            skipped(
                Outcome.BREAKER_OPEN,
                "circuit breaker is open on instance " + heldBy.get() + ", which probes it");
        break;
      }
      if (!provider.breaker().tryAcquirePermission()) {
        last = skipped(Outcome.BREAKER_OPEN, "circuit breaker is " + provider.breaker().state());
        break;
      }
      last = withCredentials();
      Outcome o = last.attempt().outcome();
      if (!(last instanceof AttemptResult.Failed)) {
        return last;
      }
      if (o == Outcome.RATE_LIMITED
          || o == Outcome.AUTH_FAILED
          || o == Outcome.CREDENTIAL_OPEN
          || o == Outcome.WARMING_UP
          || o == Outcome.CANCELLED) {
        break;
      }
    }
    return last;
  }

  /** One attempt under one breaker permission: the next key first, the current on 401/403. */
  private AttemptResult withCredentials() {
    Breaker breaker = provider.breaker();
    List<Credentials.Key> keys = provider.credentials().order();
    AttemptResult r = null;
    for (int k = 0; k < keys.size(); k++) {
      Credentials.Key key = keys.get(k);
      Breaker keyBreaker = provider.credentials().breaker(key.label());
      if (!keyBreaker.tryAcquirePermission()) {
        r = skippedKey(key, keyBreaker);
        continue;
      }
      r = attempter.attempt(provider, call, key, rc.deadlineNanos(), ex -> current = ex);
      current = null;
      if (cancelled && r instanceof AttemptResult.Failed) {
        Attempt a = r.attempt();
        r =
            new AttemptResult.Failed(
                new Attempt(
                    a.provider(),
                    Outcome.CANCELLED,
                    a.status(),
                    "another provider answered first",
                    a.credential(),
                    a.startedAt(),
                    a.took()),
                null);
      }
      Outcome o = r.attempt().outcome();
      long took = r.attempt().took().toNanos();
      if (o == Outcome.AUTH_FAILED) {
        keyBreaker.onFailure(took, r.attempt().describe());
      } else if (o == Outcome.OK) {
        keyBreaker.onSuccess(took);
      } else {
        keyBreaker.releasePermission(); // not the key's fault either way
      }
      if (key.label().equals(Credentials.NEXT) && (o == Outcome.OK || o == Outcome.AUTH_FAILED)) {
        provider.credentials().recordNext(o == Outcome.OK);
      }
      record(r.attempt());
      if (o != Outcome.AUTH_FAILED) {
        break;
      }
      telemetry.credentialFailed(provider.name(), key.label(), r.attempt().status());
      if (k + 1 < keys.size()) {
        telemetry.credentialSwitched(
            provider.name(),
            key.label(),
            keys.get(k + 1).label(),
            "HTTP " + r.attempt().status() + " with the " + key.label() + " key");
      }
    }
    Attempt a = r.attempt();
    Outcome o = a.outcome();
    long nanos = a.took().toNanos();
    if (o == Outcome.OK) {
      breaker.onSuccess(nanos);
    } else if (o.breakerFailure()) {
      breaker.onFailure(nanos, a.describe());
      if (r instanceof AttemptResult.Failed f
          && f.retryAfter() != null
          && !f.retryAfter().isZero()) {
        breaker.coolDown(f.retryAfter()); // GW5: Retry-After keeps it open exactly that long
      }
    } else {
      breaker.releasePermission();
    }
    return r;
  }

  /** A key whose breaker is open is not tried; the trail says so, and the next key goes on. */
  private AttemptResult skippedKey(Credentials.Key key, Breaker keyBreaker) {
    Attempt a =
        new Attempt(
            provider.name(),
            Outcome.CREDENTIAL_OPEN,
            0,
            "the "
                + key.label()
                + " key's breaker is "
                + keyBreaker.state()
                + " after repeated 401/403",
            key.label(),
            telemetry.clock().instant(),
            Duration.ZERO);
    record(a);
    return new AttemptResult.Failed(a, null);
  }

  private AttemptResult skipped(Outcome outcome, String detail) {
    Attempt a =
        new Attempt(
            provider.name(),
            outcome,
            0,
            detail,
            "none",
            telemetry.clock().instant(),
            Duration.ZERO);
    record(a);
    return new AttemptResult.Failed(a, null);
  }

  private void record(Attempt a) {
    log.record(provider, rc, a);
  }
}
