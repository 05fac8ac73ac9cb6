package io.nxs.doctor.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.alert.Alert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleHotReloadTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  @Test
  void customRulesAreReloadedAndABadOneIsRejectedAuditedAndTheRestKeepRunning() throws Exception {
    try (DoctorFixture fx = new DoctorFixture()) {
      Path file = fx.home.resolve("rules").resolve("gpu.yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          """
          rules:
            - id: gpu-hot
              name: "GPU Hot"
              severity: high
              condition: "gpu.temperature_c > 85"
              actions:
                - type: alert
                  message: "GPU {{gpu.index}} at {{gpu.temperature_c}} C"
          """);
      fx.synthetic.set("gpu.temperature_c", Map.of("index", "0"), 90);

      fx.tick(TEN_S);
      assertThat(fx.doctor.alerts().openByKey(Alert.key("gpu-hot", Map.of("index", "0"))))
          .hasValueSatisfying(a -> assertThat(a.message()).isEqualTo("GPU 0 at 90 C"));

      Files.writeString(
          file,
          """
          rules:
            - id: gpu-hot
              severity: high
              condition: "gpu.temperature_c > 95"
            - id: gpu-broken
              severity: severe
              condition: "gpu.temperature_c > 99"
          """);
      fx.tick(TEN_S);

      assertThat(fx.doctor.rules().current().rule("gpu-hot").orElseThrow().condition().source())
          .isEqualTo("gpu.temperature_c > 95");
      assertThat(fx.doctor.rules().current().rule("gpu-broken")).isEmpty();
      assertThat(fx.doctor.rules().current().all()).hasSize(RuleSet.builtin().size() + 1);
      assertThat(fx.doctor.alerts().openByKey(Alert.key("gpu-hot", Map.of("index", "0"))))
          .isEmpty();
      assertThat(fx.audited("doctor.rule_rejected"))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.target()).isEqualTo(file.toString());
                assertThat(e.details())
                    .containsEntry("line", 6)
                    .containsEntry("rule", "gpu-broken");
              });

      Files.delete(file);
      fx.tick(TEN_S);
      assertThat(fx.doctor.rules().current().all()).hasSize(RuleSet.builtin().size());
    }
  }
}
