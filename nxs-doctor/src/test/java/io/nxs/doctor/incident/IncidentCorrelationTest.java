package io.nxs.doctor.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nxs.core.Severity;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.config.DoctorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentCorrelationTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  private static DoctorConfig withDependencies(Map<String, List<String>> deps) {
    return new DoctorConfig(
        null, Duration.ofSeconds(10), null, null, deps, null, null, null, null, null, null);
  }

  /**
   * Seed 001 §5: disk at 98 %, then a failed NXS restart, then the API's error rate high: one
   * incident, root cause the disk, confidence 0.9 × 0.5^(20 s / 5 min) × 1.0.
   */
  @Test
  void theSeedsIncidentExampleIsOneIncidentWithTheDiskAsRootCause() {
    DoctorConfig config =
        withDependencies(Map.of("api", List.of("nxs"), "nxs", List.of("disk", "network")));
    try (DoctorFixture fx = new DoctorFixture(config)) {
      fx.synthetic.set("disk.usage_percent", Map.of("mount", "/"), 98);
      fx.tick(TEN_S); // the disk fills up (it fires once it held for its 1m duration)
      fx.tick(TEN_S);
      fx.synthetic.set("healing.restart_failed", Map.of("service", "nxs"), 1);
      fx.tick(TEN_S); // 20 s later a restart of NXS fails
      fx.synthetic.set("api.error_rate", 25);
      fx.run(
          Duration.ofSeconds(80), TEN_S); // then the API's error rate is high for its 1m duration

      List<Incident> open = fx.doctor.openIncidents();

      assertThat(open).hasSize(1);
      Incident i = open.getFirst();
      assertThat(i.id()).isEqualTo("INCIDENT-2026-0101-001");
      assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(i.rootCause().ruleId()).isEqualTo("disk-space-critical");
      assertThat(i.related())
          .extracting(Incident.Member::ruleId)
          .containsExactly("service-restart-failed", "high-error-rate");
      assertThat(i.factors().base()).isEqualTo(0.9);
      assertThat(i.factors().temporal()).isCloseTo(Math.pow(0.5, 20.0 / 300), within(1e-9));
      assertThat(i.factors().topological()).isEqualTo(1.0);
      assertThat(i.confidence()).isCloseTo(0.9 * Math.pow(0.5, 20.0 / 300), within(1e-9));
      assertThat(IncidentTree.render(i))
          .isEqualTo(
              """
          [INCIDENT-2026-0101-001] Critical
          ├── Root Cause: disk-space-critical (/) at 98%
          ├── Related: service-restart-failed (nxs)
          ├── Related: high-error-rate
          └── Suggested Action: Free disk space on /, then restart nxs
              Confidence: 0.86 (base 0.90 × temporal 0.95 × topological 1.00)
          """);
    }
  }

  @Test
  void topologyPicksTheDeepestFailingDependencyWithoutAPattern() {
    DoctorConfig config =
        withDependencies(Map.of("api", List.of("queue"), "queue", List.of("cpu")));
    try (DoctorFixture fx = new DoctorFixture(config)) {
      fx.synthetic.set("api.latency_ms", 5000);
      fx.run(Duration.ofSeconds(30), TEN_S);
      fx.synthetic.set("cpu.usage_percent", 99).set("queue.depth", 900);
      fx.run(Duration.ofMinutes(6), TEN_S);

      Incident i = fx.doctor.openIncidents().getFirst();

      assertThat(fx.doctor.openIncidents()).hasSize(1);
      assertThat(i.reason()).isEqualTo("topology");
      assertThat(i.rootCause().ruleId()).isEqualTo("cpu-saturated");
      assertThat(i.factors().topological()).isEqualTo(1.0);
      assertThat(i.factors().base()).isEqualTo(0.9);
    }
  }

  @Test
  void alertsFarApartInTimeAreSeparateIncidentsAndIncidentsCloseWhenAllResolve() {
    try (DoctorFixture fx = new DoctorFixture(withDependencies(Map.of()))) {
      fx.synthetic.set("queue.depth", 500);
      fx.run(Duration.ofMinutes(6), TEN_S);
      fx.synthetic.set("swap.used_percent", 95);
      fx.run(Duration.ofMinutes(6), TEN_S);

      assertThat(fx.doctor.openIncidents()).hasSize(2);
      fx.synthetic.set("queue.depth", 0).set("swap.used_percent", 10);
      fx.tick(TEN_S);

      assertThat(fx.doctor.openIncidents()).isEmpty();
      assertThat(fx.doctor.recentIncidents(10))
          .hasSize(2)
          .allSatisfy(
              i -> {
                assertThat(i.open()).isFalse();
                assertThat(i.closedAt()).isNotNull();
              });
    }
  }

  @Test
  void openIncidentsSurviveARestart() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("api.error_rate", 30);
      fx.run(Duration.ofSeconds(70), TEN_S);
      String id = fx.doctor.openIncidents().getFirst().id();
      fx.doctor.close();

      fx.doctor = fx.build(fx.doctor.config());
      assertThat(fx.doctor.openIncidents()).extracting(Incident::id).containsExactly(id);
      fx.synthetic.set("api.error_rate", 0);
      fx.tick(TEN_S);
      assertThat(fx.doctor.openIncidents()).isEmpty();
    }
  }
}
