package io.nxs.doctor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.doctor.DoctorFixture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {

  private static final Map<String, String> ROOT = Map.of("mount", "/");
  private static final String DISK = Alert.key("disk-space-critical", ROOT);
  private static final Duration TEN_S = Duration.ofSeconds(10);

  @Test
  void pendingUntilTheDurationHoldsThenFiring() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("disk.usage_percent", ROOT, 98);

      fx.tick(TEN_S);
      assertThat(fx.doctor.alerts().openByKey(DISK)).map(Alert::state).contains(AlertState.PENDING);
      fx.run(Duration.ofSeconds(50), TEN_S);
      assertThat(fx.doctor.alerts().openByKey(DISK)).map(Alert::state).contains(AlertState.PENDING);
      fx.tick(TEN_S);
      Alert a = fx.doctor.alerts().openByKey(DISK).orElseThrow();

      assertThat(a.state()).isEqualTo(AlertState.FIRING);
      assertThat(a.message()).isEqualTo("Disk / at 98%");
      assertThat(a.value()).isEqualTo(98);
    }
  }

  @Test
  void aPendingAlertThatClearsIsDroppedNotResolved() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("disk.usage_percent", ROOT, 98);
      fx.tick(TEN_S);
      fx.synthetic.set("disk.usage_percent", ROOT, 50);
      fx.tick(TEN_S);

      assertThat(fx.doctor.alerts().openByKey(DISK)).isEmpty();
    }
  }

  @Test
  void oneAlertPerSeriesAndNoDuplicates() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic
          .set("disk.usage_percent", ROOT, 98)
          .set("disk.usage_percent", Map.of("mount", "/var"), 99)
          .set("disk.usage_percent", Map.of("mount", "/home"), 10);

      fx.run(Duration.ofMinutes(3), TEN_S);

      assertThat(fx.doctor.alerts().open())
          .filteredOn(a -> a.ruleId().equals("disk-space-critical"))
          .extracting(a -> a.labels().get("mount"))
          .containsExactlyInAnyOrder("/", "/var");
    }
  }

  @Test
  void hysteresisKeepsItFiringUntilTheResolveCondition() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("disk.usage_percent", ROOT, 98);
      fx.run(Duration.ofSeconds(70), TEN_S);

      fx.synthetic.set("disk.usage_percent", ROOT, 93);
      fx.run(Duration.ofMinutes(5), TEN_S);
      assertThat(fx.doctor.alerts().openByKey(DISK)).map(Alert::state).contains(AlertState.FIRING);

      fx.synthetic.set("disk.usage_percent", ROOT, 89);
      fx.tick(TEN_S);
      assertThat(fx.doctor.alerts().openByKey(DISK)).isEmpty();
    }
  }

  @Test
  void anAlertThatKeepsFiringIsFlappingAndResolvesOnlyAfterAQuietWindow() {
    try (DoctorFixture fx = new DoctorFixture()) {
      String key = Alert.key("high-error-rate", Map.of());
      for (int i = 0; i < 3; i++) {
        fx.synthetic.set("api.error_rate", 20);
        fx.run(Duration.ofSeconds(70), TEN_S);
        fx.synthetic.set("api.error_rate", 0);
        fx.tick(TEN_S);
      }

      Alert third = fx.doctor.alerts().openByKey(key).orElseThrow();
      assertThat(third.flapping()).isTrue();
      fx.run(Duration.ofMinutes(9), TEN_S);
      assertThat(fx.doctor.alerts().openByKey(key)).isPresent();
      fx.run(Duration.ofMinutes(2), TEN_S);
      assertThat(fx.doctor.alerts().openByKey(key)).isEmpty();
    }
  }

  @Test
  void acknowledgingIsAuditedAndAnAckedAlertResolvesWhenClear() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("nxs.last_heartbeat", 120);
      fx.tick(TEN_S);
      Alert a = fx.doctor.alerts().openByKey(Alert.key("nxs-unresponsive", Map.of())).orElseThrow();

      Alert acked = fx.doctor.acknowledge(a.id(), "key-admin");
      assertThat(acked.state()).isEqualTo(AlertState.ACKNOWLEDGED);
      assertThat(acked.ackedBy()).isEqualTo("key-admin");
      fx.synthetic.set("nxs.last_heartbeat", 1);
      fx.tick(TEN_S);

      assertThat(fx.doctor.alerts().open()).noneMatch(x -> x.id().equals(a.id()));
      assertThat(fx.audited("doctor.alert_ack"))
          .singleElement()
          .satisfies(e -> assertThat(e.actor()).isEqualTo("key-admin"));
      assertThatThrownBy(() -> fx.doctor.acknowledge("A999", "x"))
          .isInstanceOf(NxsException.class)
          .hasMessageContaining("no open alert 'A999'");
    }
  }

  @Test
  void openAlertsAndAcknowledgementsSurviveARestart() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("disk.usage_percent", ROOT, 98).set("api.error_rate", 30);
      fx.run(Duration.ofSeconds(70), TEN_S);
      Alert errors =
          fx.doctor.alerts().openByKey(Alert.key("high-error-rate", Map.of())).orElseThrow();
      fx.doctor.acknowledge(errors.id(), "ops");
      fx.doctor.close();

      fx.doctor = fx.build(fx.doctor.config());

      assertThat(fx.doctor.alerts().openByKey(DISK)).map(Alert::state).contains(AlertState.FIRING);
      assertThat(fx.doctor.alerts().openByKey(errors.key()))
          .hasValueSatisfying(
              a -> {
                assertThat(a.id()).isEqualTo(errors.id());
                assertThat(a.state()).isEqualTo(AlertState.ACKNOWLEDGED);
                assertThat(a.ackedBy()).isEqualTo("ops");
              });
      fx.tick(TEN_S);
      assertThat(fx.doctor.alerts().open())
          .filteredOn(a -> a.ruleId().equals("disk-space-critical"))
          .hasSize(1);
    }
  }

  @Test
  void manyRulesEvaluatedOnSeveralCoresGiveOneAlertEachWithDistinctIds() throws Exception {
    try (DoctorFixture fx = new DoctorFixture()) {
      StringBuilder yaml = new StringBuilder("rules:\n");
      for (int i = 0; i < 80; i++) {
        yaml.append("  - id: load-")
            .append(i)
            .append("\n    severity: low\n    condition: \"bench.load > ")
            .append(i)
            .append("\"\n");
      }
      java.nio.file.Path file = fx.home.resolve("rules").resolve("many.yaml");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, yaml);
      for (int host = 0; host < 3; host++) {
        fx.synthetic.set("bench.load", Map.of("host", "h" + host), 40);
      }

      fx.tick(TEN_S);

      var firing =
          fx.doctor.alerts().open().stream().filter(a -> a.ruleId().startsWith("load-")).toList();
      assertThat(fx.doctor.rules().current().all())
          .hasSizeGreaterThanOrEqualTo(AlertEngine.PARALLEL_FROM);
      assertThat(firing).hasSize(40 * 3).allMatch(a -> a.state() == AlertState.FIRING);
      assertThat(firing.stream().map(Alert::id).distinct()).hasSize(120);
    }
  }
}
