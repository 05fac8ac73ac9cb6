package io.nxs.doctor.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.HealingConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each KPI of seed 002 §5, computed from the samples and events that feed it. */
class KpisTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private static double kpi(DoctorFixture fx, String name) {
    Object v = fx.doctor.kpis().get(name);
    assertThat(v).as(name).isInstanceOf(Number.class);
    return ((Number) v).doubleValue();
  }

  @Test
  void uptimeCountsDowntimeWithinTheLast24HoursOnly() {
    DoctorConfig config = DoctorConfig.defaults().withInterval(TEN_S);
    try (DoctorFixture fx = new DoctorFixture(config)) {
      fx.run(Duration.ofMinutes(60), MINUTE);
      assertThat(kpi(fx, "uptime_percent")).isEqualTo(100.0);

      fx.doctor.close(); // the daemon stops for 30 minutes, then starts again
      fx.clock.advance(Duration.ofMinutes(30));
      fx.doctor = fx.build(config);
      assertThat(kpi(fx, "uptime_percent")).isCloseTo(100.0 * 60 / 90, within(0.01));

      // 24 h later, 15 of the 30 minutes down are still inside the window
      fx.run(Duration.ofHours(24).minus(Duration.ofMinutes(15)), Duration.ofMinutes(5));
      assertThat(kpi(fx, "uptime_percent")).isCloseTo(100.0 * (1 - 15.0 / 1440), within(0.01));
      fx.run(Duration.ofMinutes(20), Duration.ofMinutes(10));
      assertThat(kpi(fx, "uptime_percent")).isEqualTo(100.0);
      assertThat(fx.doctor.kpis()).containsEntry("uptime_window", "24h");
    }
  }

  @Test
  void failoverBackupAndSyncKpisComeFromTheModulesPublishedSamples() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.tick(TEN_S);
      assertThat(fx.doctor.kpis())
          .doesNotContainKeys(
              "failover_time_seconds", "backup_success_percent", "sync_latency_seconds");

      fx.synthetic.set("gateway.failover_seconds", 2.0);
      fx.synthetic.set("vault.backup_success_rate", 0.97);
      fx.synthetic.set("sync.latency_seconds", Map.of("workspace", "main"), 120);
      fx.synthetic.set("sync.latency_seconds", Map.of("workspace", "notes"), 400);
      fx.tick(TEN_S);
      fx.synthetic.set("gateway.failover_seconds", 4.5);
      fx.tick(TEN_S);
      fx.synthetic.remove("gateway.failover_seconds", Map.of()); // no failover in this interval
      fx.tick(TEN_S);

      assertThat(kpi(fx, "failover_time_seconds")).isCloseTo(3.25, within(1e-9));
      assertThat(kpi(fx, "backup_success_percent")).isCloseTo(97.0, within(1e-9));
      assertThat(kpi(fx, "sync_latency_seconds")).isEqualTo(400.0);
    }
  }

  @Test
  void recoveryTimeIsFromAnIncidentsOpeningToItsClose() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("disk.usage_percent", Map.of("mount", "/"), 98);
      fx.run(Duration.ofSeconds(70), TEN_S); // fires after its 1m duration: the incident opens
      assertThat(fx.doctor.openIncidents()).hasSize(1);
      fx.run(Duration.ofSeconds(40), TEN_S);
      fx.synthetic.set("disk.usage_percent", Map.of("mount", "/"), 80);
      fx.tick(TEN_S); // resolves 50 s after it fired

      assertThat(fx.doctor.openIncidents()).isEmpty();
      assertThat(kpi(fx, "recovery_time_seconds")).isEqualTo(50.0);
    }
  }

  @Test
  void healingSuccessAndFalsePositiveRatesComeFromTheHealingLog() {
    HealingConfig healing =
        new HealingConfig(
            null,
            null,
            null,
            null,
            null,
            null,
            List.of(
                new HealingConfig.ActionConfig(
                    "clear-tmp", 1, "true", null, List.of("memory-usage-high"))));
    DoctorConfig config =
        new DoctorConfig(null, TEN_S, null, null, null, null, null, healing, null, null, null);
    try (DoctorFixture fx = new DoctorFixture(config)) {
      fx.synthetic.set("memory.used_percent", 95);
      fx.run(Duration.ofMinutes(5).plus(TEN_S), TEN_S); // fires; the action runs and verifies
      fx.synthetic.set("memory.used_percent", 50);
      fx.tick(TEN_S);

      assertThat(kpi(fx, "healing_success_percent")).isEqualTo(100.0);
      assertThat(kpi(fx, "healing_false_positive_percent")).isEqualTo(0.0);
    }
  }
}
