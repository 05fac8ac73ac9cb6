package io.nxs.doctor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each built-in rule fires on synthetic samples and resolves when they recover. */
class BuiltinRulesFireAndResolveTest {

  private static final Map<String, String> ROOT = Map.of("mount", "/");
  private static final Map<String, String> KIMI = Map.of("provider", "kimi-primary");

  /** A metric of one case: name, labels, value while sick, value when well. */
  record Figure(String metric, Map<String, String> labels, double sick, double well) {}

  static Figure f(String metric, double sick, double well) {
    return new Figure(metric, Map.of(), sick, well);
  }

  static Figure f(String metric, Map<String, String> labels, double sick, double well) {
    return new Figure(metric, labels, sick, well);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("disk-space-critical", List.of(f("disk.usage_percent", ROOT, 98, 80))),
        Arguments.of("inode-usage-high", List.of(f("disk.inode_percent", ROOT, 95, 50))),
        Arguments.of(
            "memory-pressure-high",
            List.of(f("memory.available_mb", 300, 4000), f("memory.pressure", 90, 1))),
        Arguments.of(
            "memory-shedding-load",
            List.of(f("nxs.memory_pressure", 1, 0), f("nxs.heap_after_gc_percent", 85, 40))),
        Arguments.of("memory-usage-high", List.of(f("memory.used_percent", 95, 50))),
        Arguments.of("swap-usage-high", List.of(f("swap.used_percent", 90, 10))),
        Arguments.of("cpu-saturated", List.of(f("cpu.usage_percent", 99, 10))),
        Arguments.of("fd-usage-high", List.of(f("fd.used_percent", 90, 10))),
        Arguments.of(
            "resource-exhaustion-predicted",
            List.of(
                f("predict.hours_to_exhaustion", Map.of("resource", "disk", "mount", "/"), 1, 12))),
        Arguments.of(
            "network-unreachable",
            List.of(f("network.reachable", Map.of("target", "10.0.0.1:443"), 0, 1))),
        Arguments.of(
            "network-latency-high",
            List.of(f("network.latency_ms", Map.of("target", "10.0.0.1:443"), 900, 20))),
        Arguments.of(
            "dns-resolution-failing",
            List.of(f("dns.resolves", Map.of("name", "example.org"), 0, 1))),
        Arguments.of(
            "mesh-vpn-down", List.of(f("mesh.up", Map.of("interface", "tailscale0"), 0, 1))),
        Arguments.of(
            "network-errors-high",
            List.of(f("net.errors_per_s", Map.of("interface", "eth0"), 50, 0))),
        Arguments.of("nxs-unresponsive", List.of(f("nxs.last_heartbeat", 120, 5))),
        Arguments.of(
            "service-down",
            List.of(
                f("service.consecutive_failures", Map.of("service", "api"), 3, 0),
                f("service.up", Map.of("service", "api"), 0, 1),
                f("service.paused", Map.of("service", "api"), 0, 0))),
        Arguments.of(
            "service-restart-failed",
            List.of(f("healing.restart_failed", Map.of("service", "api"), 1, 0))),
        Arguments.of(
            "openclaw-component-failing",
            List.of(
                f("openclaw.failing", Map.of("check", "voice", "detail", "tts offline"), 1, 0))),
        Arguments.of("auth-failures-high", List.of(f("security.auth_failures_per_min", 30, 0))),
        Arguments.of(
            "file-permissions-changed",
            List.of(f("security.insecure_file", Map.of("file", "/x/state.db"), 1, 0))),
        Arguments.of(
            "file-integrity-changed",
            List.of(f("security.integrity_changed", Map.of("file", "/x/keys/a"), 1, 0))),
        Arguments.of("response-time-high", List.of(f("api.latency_ms", 3000, 100))),
        Arguments.of("queue-depth-high", List.of(f("queue.depth", 500, 0))),
        Arguments.of("high-error-rate", List.of(f("api.error_rate", 20, 0))),
        Arguments.of(
            "metric-anomaly",
            List.of(f("anomaly.zscore", Map.of("metric", "cpu.usage_percent"), 5, 0))),
        Arguments.of(
            "provider-failing",
            List.of(
                f("provider.error_rate", KIMI, 0.8, 0), f("provider.breaker_open", KIMI, 0, 0))),
        Arguments.of("provider-breaker-open", List.of(f("provider.breaker_open", KIMI, 1, 0))),
        Arguments.of(
            "all-providers-failing",
            List.of(f("gateway.providers", 2, 2), f("gateway.providers_failing", 2, 1))),
        Arguments.of(
            "provider-credential-failing",
            List.of(
                f(
                    "provider.credential_failing",
                    Map.of("provider", "kimi-primary", "credential", "current"),
                    1,
                    0))),
        Arguments.of(
            "budget-nearly-spent",
            List.of(f("budget.used_percent", Map.of("budget", "global"), 92, 40))),
        Arguments.of(
            "budget-spent", List.of(f("budget.used_percent", Map.of("budget", "global"), 100, 0))),
        Arguments.of("gateway-air-gapped", List.of(f("gateway.air_gapped", 1, 0))),
        Arguments.of(
            "backup-stale",
            List.of(
                f("vault.last_good_age_seconds", 7200, 600), f("vault.rpo_seconds", 3600, 3600))),
        Arguments.of("backup-none-verified", List.of(f("vault.last_good_age_seconds", -1, 60))),
        Arguments.of(
            "backup-failed",
            List.of(f("vault.last_backup_failed", 0, 0), f("vault.last_verify_failed", 1, 0))),
        Arguments.of(
            "restore-drill-slow",
            List.of(f("vault.last_drill_seconds", 1200, 300), f("vault.last_drill_failed", 0, 0))),
        Arguments.of("state-db-damaged", List.of(f("nxs.state_ok", 0, 1))),
        Arguments.of("response-time-p99-high", List.of(f("api.latency_p99_ms", 8000, 300))),
        Arguments.of(
            "error-rate-above-baseline",
            List.of(f("predict.error_rate_ratio", Map.of("metric", "api.error_rate"), 4, 1))));
  }

  @Test
  void everyBuiltinHasACase() {
    assertThat(cases().map(a -> (String) a.get()[0]).toList())
        .containsExactlyInAnyOrderElementsOf(RuleSet.builtin().stream().map(Rule::id).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void firesOnSickFiguresAndResolvesOnWellOnes(String ruleId, List<Figure> figures) {
    try (DoctorFixture fx = new DoctorFixture()) {
      Rule rule = fx.doctor.rules().current().rule(ruleId).orElseThrow();
      Map<String, String> labels =
          figures.stream()
              .map(Figure::labels)
              .filter(l -> !l.isEmpty())
              .findFirst()
              .orElse(Map.of());
      String key = Alert.key(ruleId, labels);
      figures.forEach(x -> fx.synthetic.set(x.metric(), x.labels(), x.sick()));

      fx.tick(Duration.ofSeconds(10));
      Alert first = fx.doctor.alerts().openByKey(key).orElseThrow();
      assertThat(first.state())
          .isEqualTo(rule.duration().isZero() ? AlertState.FIRING : AlertState.PENDING);
      fx.run(rule.duration(), Duration.ofSeconds(10));
      Alert firing = fx.doctor.alerts().openByKey(key).orElseThrow();
      assertThat(firing.state()).isEqualTo(AlertState.FIRING);
      assertThat(firing.message()).doesNotContain("{{");

      figures.forEach(x -> fx.synthetic.set(x.metric(), x.labels(), x.well()));
      fx.tick(Duration.ofSeconds(10));
      if (!rule.autoResolve()) {
        assertThat(fx.doctor.alerts().openByKey(key)).map(Alert::state).contains(AlertState.FIRING);
        fx.doctor.acknowledge(firing.id(), "test");
      }
      Optional<Alert> after = fx.doctor.alerts().openByKey(key);
      assertThat(after).as("alert %s after recovery", ruleId).isEmpty();
    }
  }
}
