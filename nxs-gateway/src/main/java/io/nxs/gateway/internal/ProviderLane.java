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

  /** What a lane does next: make an attempt with a key, or stop with a result. */
  sealed interface Step {}

  /** Make one attempt with this key (its breaker and the provider's have given permission). */
  record Try(Credentials.Key key) implements Step {}

  /** The lane is over: its result (null when it was cancelled before any attempt). */
  record Done(AttemptResult result) implements Step {}

  private int tryIndex;
  private int tries;
  private List<Credentials.Key> keys;
  private int keyIndex;
  private AttemptResult last;

  /** A step taken already (by the event loop's exchange) that {@link #run} goes on from. */
  private Step resumeFrom;

  /** An attempt the event loop made for the lane's first {@link Try}, not yet recorded. */
  private AttemptResult made;

  /** Walks the lane to its end: every attempt made here, on the calling thread. */
  AttemptResult run() {
    Step step;
    if (made != null) {
      step = after(made);
      made = null;
    } else {
      step = resumeFrom != null ? resumeFrom : start();
      resumeFrom = null;
    }
    while (step instanceof Try t) {
      AttemptResult r =
          attempter.attempt(provider, call, t.key(), rc.deadlineNanos(), ex -> current = ex);
      current = null;
      step = after(r);
    }
    return ((Done) step).result();
  }

  /**
   * Makes {@link #run} record {@code result}, the attempt of the {@link Try} {@link #start} gave,
   * as its own attempt would have been, and go on from there.
   */
  void resumeAfter(AttemptResult result) {
    this.made = result;
  }

  /** Makes {@link #run} go on from {@code step} instead of starting over. */
  void resumeFrom(Step step) {
    this.resumeFrom = step;
  }

  /**
   * The lane's first step: its checks (deadline, air gap, retry budget, breakers) up to its first
   * attempt's key, or its end. Touches memory only: nothing here waits.
   */
  Step start() {
    tries = 1 + Math.min(provider.config().retry(), failover.maxRetriesPerProvider());
    tryIndex = 0;
    last = null;
    return beginTry();
  }

  /** The checks before one try (GW4, GW5): its breaker permission, or the lane's end. */
  private Step beginTry() {
    for (; tryIndex < tries; tryIndex++) {
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
      if (tryIndex == 0) {
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
      keys = provider.credentials().order();
      keyIndex = 0;
      return nextKey(null);
    }
    return new Done(last);
  }

  /**
   * The next key of this try whose breaker permits it (the next key first, the current on 401/403);
   * when none is left, the try ends with {@code r}.
   */
  private Step nextKey(AttemptResult r) {
    for (; keyIndex < keys.size(); keyIndex++) {
      Credentials.Key key = keys.get(keyIndex);
      Breaker keyBreaker = provider.credentials().breaker(key.label());
      if (keyBreaker.tryAcquirePermission()) {
        return new Try(key);
      }
      r = skippedKey(key, keyBreaker);
    }
    return endTry(r);
  }

  /**
   * Records one attempt's result (the key's breaker, the next key's count, the trail, telemetry)
   * and says what comes next: another key on 401/403, the try's end otherwise.
   */
  Step after(AttemptResult result) {
    AttemptResult r = result;
    Credentials.Key key = keys.get(keyIndex);
    Breaker keyBreaker = provider.credentials().breaker(key.label());
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
      return endTry(r);
    }
    telemetry.credentialFailed(provider.name(), key.label(), r.attempt().status());
    if (keyIndex + 1 < keys.size()) {
      telemetry.credentialSwitched(
          provider.name(),
          key.label(),
          keys.get(keyIndex + 1).label(),
          "HTTP " + r.attempt().status() + " with the " + key.label() + " key");
    }
    keyIndex++;
    return nextKey(r);
  }

  /**
   * One try under one breaker permission is over with {@code r}: the provider's breaker learns how
   * it went, and the lane ends or tries again.
   */
  private Step endTry(AttemptResult r) {
    Attempt a = r.attempt();
    Outcome o = a.outcome();
    long nanos = a.took().toNanos();
    Breaker breaker = provider.breaker();
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
    last = r;
    if (!(r instanceof AttemptResult.Failed)
        || o == Outcome.RATE_LIMITED
        || o == Outcome.AUTH_FAILED
        || o == Outcome.CREDENTIAL_OPEN
        || o == Outcome.WARMING_UP
        || o == Outcome.CANCELLED) {
      return new Done(r);
    }
    tryIndex++;
    return beginTry();
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
