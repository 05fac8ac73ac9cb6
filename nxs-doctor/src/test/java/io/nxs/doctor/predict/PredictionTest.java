package io.nxs.doctor.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.alert.Alert;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PredictionTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);
  private static final Map<String, String> ROOT = Map.of("mount", "/");

  @Test
  void aDiskFillingLinearlyIsPredictedWithin5PercentOfTheTruth() {
    try (DoctorFixture fx = new DoctorFixture()) {
      Random noise = new Random(7);
      // 40 % full, filling 12 % per hour (0.2 % a minute), with ±0.3 % of measurement noise
      double percentPerSecond = 12.0 / 3600;
      for (int s = 0; s <= 3600; s += 30) {
        fx.synthetic.set(
            "disk.usage_percent",
            ROOT,
            40 + percentPerSecond * s + (noise.nextDouble() - 0.5) * 0.6);
        fx.tick(Duration.ofSeconds(30));
      }
      double truthHours = (100 - (40 + percentPerSecond * 3600)) / 12.0; // 4 h

      HealthReport.Exhaustion disk =
          fx.doctor.health().exhaustion().stream()
              .filter(e -> e.resource().equals("disk"))
              .findFirst()
              .orElseThrow();

      assertThat(disk.hours()).isCloseTo(truthHours, within(truthHours * 0.05));
      assertThat(disk.percentPerHour()).isCloseTo(12, within(0.6));
      assertThat(disk.labels()).containsEntry("mount", "/");
      assertThat(fx.doctor.health().dimensions().get("resources")).isCloseTo(40, within(2.0));
    }
  }

  @Test
  void aDiskAboutToFillRaisesTheExhaustionAlertWithItsEta() {
    try (DoctorFixture fx = new DoctorFixture()) {
      // 60 % and +24 % an hour: at 72 % after 30 minutes, full in 28 / 24 = 1.2 h
      for (int s = 0; s <= 1800; s += 10) {
        fx.synthetic.set("disk.usage_percent", ROOT, 60 + 24.0 / 3600 * s);
        fx.tick(TEN_S);
      }

      Alert a =
          fx.doctor
              .alerts()
              .openByKey(
                  Alert.key(
                      "resource-exhaustion-predicted", Map.of("mount", "/", "resource", "disk")))
              .orElseThrow();

      assertThat(a.message()).isEqualTo("disk / will be exhausted in 1.2 h at the current rate");
    }
  }

  @Test
  void aSpikeIsAnAnomalyByZScore() {
    try (DoctorFixture fx = new DoctorFixture()) {
      Random noise = new Random(11);
      for (int i = 0; i < 60; i++) {
        fx.synthetic.set("cpu.usage_percent", 30 + (noise.nextDouble() - 0.5) * 4);
        fx.tick(TEN_S);
      }
      fx.synthetic.set("cpu.usage_percent", 60);
      fx.tick(TEN_S);

      HealthReport h = fx.doctor.health();
      assertThat(h.anomalies())
          .singleElement()
          .satisfies(
              an -> {
                assertThat(an.metric()).isEqualTo("cpu.usage_percent");
                assertThat(an.zscore()).isGreaterThan(3);
              });
      assertThat(h.dimensions().get("anomalies")).isEqualTo(80);
      assertThat(
              fx.doctor
                  .alerts()
                  .openByKey(Alert.key("metric-anomaly", Map.of("metric", "cpu.usage_percent"))))
          .isPresent();
    }
  }

  @Test
  void steadyNoiseRaisesNoAlert() {
    try (DoctorFixture fx = new DoctorFixture()) {
      Random noise = new Random(3);
      for (int i = 0; i < 240; i++) { // two hours every 30 s
        fx.synthetic.set("cpu.usage_percent", 30 + (noise.nextDouble() - 0.5) * 4);
        fx.synthetic.set("disk.usage_percent", ROOT, 70 + (noise.nextDouble() - 0.5) * 2);
        fx.synthetic.set("memory.used_percent", 55 + (noise.nextDouble() - 0.5) * 6);
        fx.tick(Duration.ofSeconds(30));
      }

      assertThat(fx.doctor.alerts().open()).isEmpty();
      assertThat(fx.doctor.health().exhaustion()).isEmpty();
      assertThat(fx.doctor.health().anomalies()).isEmpty();
      assertThat(fx.doctor.health().score()).isEqualTo(100);
    }
  }
}
