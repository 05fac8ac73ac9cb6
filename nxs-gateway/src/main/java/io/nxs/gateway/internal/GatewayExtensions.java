package io.nxs.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.nxs.core.Severity;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.gateway.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway offers the Doctor and the daemon through the core extension points, without
 * knowing either: a health source per provider, the gateway's readiness, its figures, and "switch
 * provider", the level-3 healing action of seed 002 section 4.
 */
final class GatewayExtensions {

  private GatewayExtensions() {}

  static void register(Gateway gateway, Extensions extensions) {
    for (ProviderRuntime p : gateway.runtimes()) {
      extensions.healthSources().register(new ProviderHealth(p));
    }
    extensions.healingActions().register(new SwitchProvider(gateway));
    extensions.readinessChecks().register(new Readiness(gateway));
    extensions.metricSources().register(new Figures(gateway));
  }

  /**
   * {@code provider.<name>}: DOWN when its breaker is open, DEGRADED when half open, failing or
   * warming up.
   */
  record ProviderHealth(ProviderRuntime provider) implements HealthSource {
    @Override
    public String name() {
      return "provider." + provider.name();
    }

    @Override
    public Health check() {
      ProviderStats.Snapshot s = provider.stats().snapshot();
      String last =
          s.lastFailure() == null ? "no failure recorded" : "last failure: " + s.lastFailure();
      return switch (provider.breaker().state()) {
        case OPEN, FORCED_OPEN -> new Health(Status.DOWN, "breaker open; " + last);
        case HALF_OPEN -> new Health(Status.DEGRADED, "breaker half open, probing; " + last);
        default -> {
          ProviderRuntime.ProbeResult probe = provider.lastProbe();
          if (probe != null && probe.outcome() == Outcome.WARMING_UP) {
            yield new Health(Status.DEGRADED, "model loading (warm-up)");
          }
          if (probe != null && probe.outcome() != Outcome.OK && s.samples() == 0) {
            yield new Health(
                Status.DOWN, "probe: " + probe.outcome().label() + " " + probe.detail());
          }
          if (s.samples() >= 5 && s.errorRate() >= 0.5) {
            yield new Health(
                Status.DEGRADED,
                String.format(
                    java.util.Locale.ROOT, "error rate %.0f%%; %s", s.errorRate() * 100, last));
          }
          yield new Health(
              Status.UP, s.p50Millis() < 0 ? "no traffic yet" : "p50 " + s.p50Millis() + " ms");
        }
      };
    }
  }

  /** Ready while at least one provider can be tried (or none is configured yet). */
  record Readiness(Gateway gateway) implements ReadinessCheck {
    @Override
    public String name() {
      return "gateway";
    }

    @Override
    public ReadinessCheck.Readiness check() {
      List<ProviderRuntime> all = gateway.runtimes();
      if (all.isEmpty()) {
        return new ReadinessCheck.Readiness(true, "no providers configured");
      }
      long open =
          all.stream().filter(p -> p.breaker().state() == CircuitBreaker.State.OPEN).count();
      if (open == all.size()) {
        return new ReadinessCheck.Readiness(false, "every provider's breaker is open");
      }
      return new ReadinessCheck.Readiness(
          true,
          (all.size() - open)
              + " of "
              + all.size()
              + " providers available"
              + (gateway.airGapped() ? " (air-gapped: local only)" : ""));
    }
  }

  /**
   * Provider figures for the Doctor's rules: per provider its error rate, p50 and p99 latency,
   * breaker, and each key's 401/403 breaker; the number of providers and of failing ones (breaker
   * open, or half of at least 5 recent attempts failed); air-gapped mode; the mean failover time
   * since the previous collection (only when there was a failover); each monthly budget's spent
   * share.
   */
  record Figures(Gateway gateway) implements MetricSource {
    @Override
    public String name() {
      return "gateway";
    }

    @Override
    public List<Sample> collect() {
      List<Sample> out = new ArrayList<>();
      int failing = 0;
      for (ProviderRuntime p : gateway.runtimes()) {
        Map<String, String> labels = Map.of("provider", p.name());
        ProviderStats.Snapshot s = p.stats().snapshot();
        boolean open = p.breaker().state() != CircuitBreaker.State.CLOSED;
        out.add(new Sample("provider.error_rate", labels, s.errorRate()));
        out.add(new Sample("provider.latency_p50_ms", labels, Math.max(0, s.p50Millis())));
        out.add(new Sample("provider.latency_p99_ms", labels, Math.max(0, s.p99Millis())));
        out.add(new Sample("provider.breaker_open", labels, open ? 1 : 0));
        for (String role : List.of(Credentials.CURRENT, Credentials.NEXT)) {
          // a key's own breaker counts only 401/403: not closed means that key keeps being refused
          CircuitBreaker.State key = p.credentials().breaker(role).state();
          out.add(
              new Sample(
                  "provider.credential_failing",
                  Map.of("provider", p.name(), "credential", role),
                  key == CircuitBreaker.State.CLOSED ? 0 : 1));
        }
        if (open || (s.samples() >= 5 && s.errorRate() >= 0.5)) {
          failing++;
        }
      }
      out.add(new Sample("gateway.providers", Map.of(), gateway.runtimes().size()));
      out.add(new Sample("gateway.providers_failing", Map.of(), failing));
      out.add(new Sample("gateway.air_gapped", Map.of(), gateway.airGapped() ? 1 : 0));
      gateway
          .telemetry()
          .drainFailoverSeconds()
          .ifPresent(mean -> out.add(new Sample("gateway.failover_seconds", Map.of(), mean)));
      gateway
          .budgets()
          .usedPercent()
          .forEach(
              (budget, percent) ->
                  out.add(new Sample("budget.used_percent", Map.of("budget", budget), percent)));
      return out;
    }
  }

  /**
   * Level 3, "switch provider": opens a failing provider's breaker so requests go to the next one;
   * the breaker probes it again after its {@code timeout_seconds}.
   */
  record SwitchProvider(Gateway gateway) implements HealingAction {
    @Override
    public String name() {
      return "gateway.switch_provider";
    }

    @Override
    public int level() {
      return 3;
    }

    @Override
    public String description() {
      return "open a failing provider's breaker so requests go to the next provider in the chain";
    }

    @Override
    public Outcome execute(String target, boolean dryRun) {
      List<ProviderRuntime> chain =
          gateway.runtimes().stream()
              .sorted(java.util.Comparator.comparingInt(p -> p.config().priority()))
              .toList();
      Optional<ProviderRuntime> victim =
          target == null || target.isBlank()
              ? chain.stream()
                  .filter(p -> p.breaker().state() != CircuitBreaker.State.OPEN)
                  .filter(p -> p.stats().snapshot().errorRate() > 0)
                  .findFirst()
              : chain.stream().filter(p -> p.name().equals(target)).findFirst();
      if (victim.isEmpty()) {
        return new Outcome(
            false,
            target == null || target.isBlank()
                ? "no failing provider to switch away from"
                : "no provider named '" + target + "'");
      }
      ProviderRuntime p = victim.get();
      Optional<ProviderRuntime> next =
          chain.stream()
              .filter(o -> o != p && o.breaker().state() != CircuitBreaker.State.OPEN)
              .findFirst();
      if (next.isEmpty()) {
        return new Outcome(false, "no other available provider to switch to from " + p.name());
      }
      String what =
          p.name()
              + "'s breaker open for "
              + p.config().circuitBreaker().timeoutSeconds()
              + "s; requests go to "
              + next.get().name();
      if (dryRun) {
        return new Outcome(true, "would set " + what);
      }
      p.breaker().open();
      gateway
          .telemetry()
          .audit(
              "provider.switched",
              Severity.MEDIUM,
              p.name(),
              Map.of("to", next.get().name(), "by", "healing action"));
      return new Outcome(true, "set " + what);
    }
  }
}
