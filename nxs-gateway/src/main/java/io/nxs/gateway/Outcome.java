package io.nxs.gateway;

import java.util.Locale;

/** How one attempt on one provider ended (SPEC GW5), as listed in errors and events. */
public enum Outcome {
  /** Answered (for a stream: produced its first content chunk). */
  OK(false),
  /** The connection was refused. */
  REFUSED(true),
  /** The connection was reset or closed before an answer. */
  RESET(true),
  /** No answer (or no next chunk) in time. */
  TIMEOUT(true),
  /** 5xx from the upstream. */
  SERVER_ERROR(true),
  /** 429: the provider cools down for its {@code Retry-After}. */
  RATE_LIMITED(true),
  /** The body (or a stream chunk) was not the JSON it should be. */
  UNPARSEABLE(true),
  /** 401/403: a credential problem (GW7); not counted against the provider. */
  AUTH_FAILED(false),
  /** A local model still loading: warm-up, not failure (GW12). */
  WARMING_UP(false),
  /** 400/404/422: the client's own bad request, returned as is and never retried. */
  CLIENT_ERROR(false),
  /** The stream broke after content reached the client; ended with an in-band error. */
  CUT(true),
  /** Not tried with this key: its credential breaker is open after repeated 401/403 (GW7). */
  CREDENTIAL_OPEN(false),
  /** Not tried: the provider's breaker is open. */
  BREAKER_OPEN(false),
  /** Not tried again: the provider's retry budget is spent. */
  RETRY_BUDGET(false),
  /** Not tried: the request's deadline had passed. */
  DEADLINE(false),
  /** Given up because another provider answered first (hedging). */
  CANCELLED(false),
  /** Not tried: remote providers are unreachable and only local ones are used (GW12). */
  AIR_GAPPED(false);

  private final boolean breakerFailure;
  private final String label;

  Outcome(boolean breakerFailure) {
    this.breakerFailure = breakerFailure;
    this.label = name().toLowerCase(Locale.ROOT); // once, not on every attempt's trail and meter
  }

  /** Whether the provider's breaker records it as a failure. */
  public boolean breakerFailure() {
    return breakerFailure;
  }

  /** Whether the attempt reached the provider at all. */
  public boolean tried() {
    return this != BREAKER_OPEN
        && this != CREDENTIAL_OPEN
        && this != RETRY_BUDGET
        && this != DEADLINE
        && this != AIR_GAPPED;
  }

  /** Lower-case label for JSON, headers and metrics. */
  public String label() {
    return label;
  }
}
