package io.nxs.gateway.internal;

import io.nxs.gateway.Attempt;

/**
 * Where one attempt is written down, the same way wherever it ends (an answer, a failover, a stream
 * cut after the point of no return): the request's trail, the provider's recent figures, the
 * air-gap tracker, and telemetry (events and meters).
 */
final class AttemptLog {

  private final AirGap airGap;
  private final Telemetry telemetry;

  AttemptLog(AirGap airGap, Telemetry telemetry) {
    this.airGap = airGap;
    this.telemetry = telemetry;
  }

  void record(ProviderRuntime provider, RequestContext rc, Attempt a) {
    rc.add(a);
    provider.stats().record(a);
    airGap.observe(provider.name(), a.outcome());
    telemetry.attempt(rc.route(), a);
  }
}
