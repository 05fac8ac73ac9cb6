package io.nxs.gateway;

import io.nxs.core.event.NxsEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The gateway's events on the core bus (SPEC GW11): every attempt, failover, breaker transition and
 * credential switch, with timings. The Doctor and the dashboard subscribe; nobody polls.
 */
public sealed interface GatewayEvent extends NxsEvent {

  /** One attempt on one provider ended. */
  record AttemptFinished(Instant at, String route, Attempt attempt) implements GatewayEvent {}

  /**
   * A request was answered by another provider than the first it tried.
   *
   * @param took time from the start of the request to the winning provider's answer
   */
  record FailedOver(Instant at, String from, String to, Duration took, List<Attempt> attempts)
      implements GatewayEvent {}

  /** Every provider failed for one request. */
  record AllFailed(Instant at, String route, List<Attempt> attempts) implements GatewayEvent {}

  /** A provider's breaker changed state, e.g. CLOSED to OPEN. */
  record BreakerTransitioned(Instant at, String provider, String from, String to, String reason)
      implements GatewayEvent {}

  /**
   * One credential's breaker changed state (GW7): a key that keeps failing 401/403 is skipped while
   * OPEN, and the provider's other key goes on serving.
   *
   * @param credential {@code current} or {@code next}
   */
  record CredentialBreakerTransitioned(
      Instant at, String provider, String credential, String from, String to)
      implements GatewayEvent {}

  /** A 401/403 from a provider (GW5, GW7): a credential needs attention. */
  record CredentialFailed(Instant at, String provider, String credential, int status)
      implements GatewayEvent {}

  /** A provider switched credentials: fallback to the old key, promotion, rotation. */
  record CredentialSwitched(Instant at, String provider, String from, String to, String reason)
      implements GatewayEvent {}

  /** A rotation's overlap ended below the needed success rate and was extended (an alert). */
  record RotationExtended(Instant at, String provider, double successRate, Instant until)
      implements GatewayEvent {}

  /**
   * A monthly budget crossed 50, 75, 90 or 100 % (GW9).
   *
   * @param scope {@code global} or an API key id
   */
  record BudgetReached(Instant at, String scope, int percent, double spent, double limit)
      implements GatewayEvent {}

  /** Every remote provider is unreachable (or one came back): local providers only (GW12). */
  record AirGapped(Instant at, boolean airGapped, List<String> localProviders)
      implements GatewayEvent {}
}
