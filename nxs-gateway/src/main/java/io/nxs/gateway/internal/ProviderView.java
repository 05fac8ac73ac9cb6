package io.nxs.gateway.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** One provider's state as the API and CLI show it (GW8); never a credential. */
final class ProviderView {

  private ProviderView() {}

  static Map<String, Object> of(ProviderRuntime p) {
    ProviderStats.Snapshot s = p.stats().snapshot();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("base_url", p.config().baseUrl());
    m.put("model", p.config().model());
    m.put("priority", p.config().priority());
    m.put("weight", p.config().weight());
    m.put("region", p.config().region());
    m.put("local", p.config().local());
    m.put("breaker", p.breaker().state().name());
    Credentials c = p.credentials();
    Map<String, Object> credential = new LinkedHashMap<>();
    credential.put("state", c.state());
    credential.put("overlap_until", c.overlapUntil() == null ? null : c.overlapUntil().toString());
    credential.put("next_uses", c.nextUses());
    credential.put("next_success_rate", c.nextSuccessRate() < 0 ? null : c.nextSuccessRate());
    credential.put("current_breaker", c.breaker(Credentials.CURRENT).state().name());
    credential.put(
        "next_breaker", c.next() == null ? null : c.breaker(Credentials.NEXT).state().name());
    m.put("credential", credential);
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", s.p50Millis() < 0 ? null : s.p50Millis());
    latency.put("p99", s.p99Millis() < 0 ? null : s.p99Millis());
    m.put("latency_ms", latency);
    m.put("error_rate", s.errorRate());
    m.put("samples", s.samples());
    m.put("last_failure", s.lastFailure());
    m.put("last_failure_at", s.lastFailureAt() == null ? null : s.lastFailureAt().toString());
    m.put("last_probe", p.lastProbe() == null ? null : probe(p.lastProbe()));
    return m;
  }

  static Map<String, Object> probe(ProviderRuntime.ProbeResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", r.at().toString());
    m.put("outcome", r.outcome().label());
    m.put("status", r.status());
    m.put("took_ms", r.took().toMillis());
    m.put("model", r.model());
    m.put("detail", r.detail());
    return m;
  }
}
