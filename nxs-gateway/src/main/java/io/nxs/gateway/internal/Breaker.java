package io.nxs.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.TransitionCheckResult;
import io.github.resilience4j.core.functions.Either;
import io.nxs.gateway.ProviderConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One breaker of the gateway (GW3, ADR 0030): a provider's, or one credential's (GW7, ADR 0035). It
 * opens after {@code failure_threshold} failures in a row, the first and the last of them at most
 * {@code window} apart; a success ends the run, as seed 002's breaker does. Open, it refuses calls
 * for {@code timeout_seconds}, then lets one trial call decide.
 *
 * <p>Design note: Resilience4j is the breaker: it keeps the state machine, the permission per call,
 * the half-open trial, the wait in OPEN, forced transitions (a 429's Retry-After, the healing
 * action) and the events. Its sliding windows measure failure <em>rates</em>, which cannot say "in
 * a row" (fail, fail, succeed is 67 % failed); so the opening rule is {@link ConsecutiveFailures},
 * plugged in through Resilience4j's own hook for custom openings, {@code transitionOnResult}, which
 * the CLOSED state consults after every recorded failure and acts on once (compare-and-set), and
 * which no other state obeys. The rule learns of successes from {@link #onSuccess}, and its run
 * restarts whenever the breaker changes state or is reset. Resilience4j's own rate rule stays in
 * force only as far as {@code failure_rate_threshold} asks (default 100 %: every call in the window
 * failed, which the run rule already covers) and for slow calls when {@code slow_call_duration} is
 * set.
 */
final class Breaker {

  private final CircuitBreaker breaker;
  private final ConsecutiveFailures run;

  private Breaker(String name, CircuitBreakerConfig.Builder config, ConsecutiveFailures run) {
    this.run = run;
    this.breaker = CircuitBreaker.of(name, config.transitionOnResult(run).build());
    breaker.getEventPublisher().onStateTransition(e -> run.restart()).onReset(e -> run.restart());
  }

  /**
   * A provider's breaker: failures in a row, and slow calls when {@code slow_call_duration} is set.
   */
  static Breaker forProvider(String name, ProviderConfig.CircuitBreakerSettings s, Clock clock) {
    CircuitBreakerConfig.Builder b = common(s, clock);
    if (s.slowCallDuration().isZero()) {
      b.slowCallRateThreshold(100).slowCallDurationThreshold(Duration.ofDays(1));
    } else {
      b.slowCallRateThreshold(s.failureRateThreshold())
          .slowCallDurationThreshold(s.slowCallDuration());
    }
    return new Breaker(name, b, ConsecutiveFailures.of(s, clock));
  }

  /**
   * A credential's breaker: the provider's settings, but it counts only 401/403 against answers, so
   * no slow-call rule.
   */
  static Breaker forCredential(String name, ProviderConfig.CircuitBreakerSettings s, Clock clock) {
    CircuitBreakerConfig.Builder b =
        common(s, clock).slowCallRateThreshold(100).slowCallDurationThreshold(Duration.ofDays(1));
    return new Breaker(name, b, ConsecutiveFailures.of(s, clock));
  }

  private static CircuitBreakerConfig.Builder common(
      ProviderConfig.CircuitBreakerSettings s, Clock clock) {
    return CircuitBreakerConfig.custom()
        .slidingWindow(
            (int) s.window().toSeconds(),
            s.failureThreshold(),
            CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
        .failureRateThreshold(s.failureRateThreshold())
        .waitDurationInOpenState(Duration.ofSeconds(s.timeoutSeconds()))
        .permittedNumberOfCallsInHalfOpenState(1)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .clock(clock);
  }

  /** Whether a call may go out now (CLOSED, or the one trial of HALF_OPEN); takes a permission. */
  boolean tryAcquirePermission() {
    return breaker.tryAcquirePermission();
  }

  /** The call's outcome was nobody's fault (a client error, a cancelled hedge): not counted. */
  void releasePermission() {
    breaker.releasePermission();
  }

  /** A call succeeded: the run of failures ends. */
  void onSuccess(long nanos) {
    run.restart();
    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
  }

  /** A call failed; the breaker may open (see the class note). */
  void onFailure(long nanos, String why) {
    breaker.onError(nanos, TimeUnit.NANOSECONDS, new UpstreamFailure(why));
  }

  /**
   * GW5: keeps the breaker open exactly {@code d} (a 429's Retry-After). Resilience4j refuses the
   * transition only from DISABLED and FORCED_OPEN, which the gateway never enters.
   */
  void coolDown(Duration d) {
    breaker.transitionToOpenStateFor(d);
  }

  /** Opens it now (the level-3 healing action); the usual {@code timeout_seconds} apply. */
  void open() {
    breaker.transitionToOpenState();
  }

  /** Back to CLOSED with no history (a credential that changed). */
  void reset() {
    breaker.reset();
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }

  /** The Resilience4j breaker, for its events and gauges. */
  CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /** What the breaker records for a failed call: a reason, without a stack trace. */
  static final class UpstreamFailure extends RuntimeException {
    UpstreamFailure(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The opening rule: {@code threshold} failures since the last success, the oldest of the last
   * {@code threshold} at most {@code window} before the newest. Keeps the times of the last {@code
   * threshold} failures of the run in a ring, so a run longer than the threshold slides: failures
   * at 0 s, 50 s, 70 s, 80 s open it at 80 s (the last three span 30 s), not at 70 s (they span 70
   * s).
   */
  static final class ConsecutiveFailures
      implements Function<Either<Object, Throwable>, TransitionCheckResult> {

    private final int threshold;
    private final long windowMillis;
    private final TransitionCheckResult open;
    private final Clock clock;
    private final long[] times;
    private volatile long failures;

    /**
     * @param openFor how long the breaker stays open once the rule opens it ({@code
     *     timeout_seconds}; Resilience4j asks the rule for it)
     */
    ConsecutiveFailures(int threshold, Duration window, Duration openFor, Clock clock) {
      if (threshold < 1) {
        throw new IllegalArgumentException("threshold must be at least 1, but was " + threshold);
      }
      this.threshold = threshold;
      this.windowMillis = window.toMillis();
      this.open = TransitionCheckResult.transitionToOpenAndWaitFor(openFor);
      this.clock = clock;
      this.times = new long[threshold];
    }

    static ConsecutiveFailures of(ProviderConfig.CircuitBreakerSettings s, Clock clock) {
      return new ConsecutiveFailures(
          s.failureThreshold(), s.window(), Duration.ofSeconds(s.timeoutSeconds()), clock);
    }

    /** Called by Resilience4j after each recorded failure (a {@code Right}). */
    @Override
    public synchronized TransitionCheckResult apply(Either<Object, Throwable> result) {
      if (result.isLeft()) {
        return TransitionCheckResult.noTransition(); // a result, never recorded by the gateway
      }
      long now = clock.millis();
      times[(int) (failures % threshold)] = now;
      failures++;
      if (failures >= threshold
          && now - times[(int) ((failures - threshold) % threshold)] <= windowMillis) {
        return open;
      }
      return TransitionCheckResult.noTransition();
    }

    /**
     * A success, a new state or a reset: the next run starts from nothing. Every successful call
     * comes here, so the common case (no run) reads one volatile and takes no lock.
     */
    void restart() {
      if (failures != 0) {
        synchronized (this) {
          failures = 0;
        }
      }
    }
  }
}
