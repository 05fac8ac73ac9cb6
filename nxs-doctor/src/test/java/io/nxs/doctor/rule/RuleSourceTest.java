package io.nxs.doctor.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.RuleSource;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.config.DoctorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules a module ships through {@link RuleSource} load with the Doctor's own and fire alike. */
class RuleSourceTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  record Shipped(String name, String origin, String rulesYaml) implements RuleSource {}

  private static final String SYNC_RULES =
      """
      rules:
        - id: sync-latency-high
          name: "Sync Latency High"
          severity: medium
          category: services
          condition: "sync.latency_seconds > 300"
          actions:
            - type: alert
              message: "Sync of {{sync.workspace}} lags {{sync.latency_seconds}} s"
      """;

  private static void rebuild(DoctorFixture fx) {
    fx.doctor.close();
    fx.doctor = fx.build(DoctorConfig.defaults().withInterval(TEN_S));
  }

  @Test
  void aModulesRuleLoadsBesideTheBuiltinsAndFires() {
    try (DoctorFixture fx = new DoctorFixture()) {
      int builtins = fx.doctor.rules().current().all().size();
      fx.extensions.ruleSources().register(new Shipped("sync", "nxs-sync:rules.yaml", SYNC_RULES));
      rebuild(fx);
      fx.synthetic.set("sync.latency_seconds", Map.of("workspace", "main"), 420);

      fx.tick(TEN_S);

      assertThat(fx.doctor.rules().current().all()).hasSize(builtins + 1);
      assertThat(fx.doctor.rules().current().rule("sync-latency-high").orElseThrow().source())
          .isEqualTo("nxs-sync:rules.yaml");
      assertThat(
              fx.doctor
                  .alerts()
                  .openByKey(Alert.key("sync-latency-high", Map.of("workspace", "main"))))
          .hasValueSatisfying(a -> assertThat(a.message()).isEqualTo("Sync of main lags 420 s"));
    }
  }

  @Test
  void aBrokenModuleRuleIsRejectedWithItsOriginAndLineAndAuditedWhileTheOthersRun() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.extensions
          .ruleSources()
          .register(
              new Shipped(
                  "sync",
                  "nxs-sync:rules.yaml",
                  SYNC_RULES
                      + """
                        - id: sync-broken
                          severity: severe
                          condition: "sync.latency_seconds > 1"
                        - id: disk-space-critical
                          severity: low
                          condition: "sync.latency_seconds > 2"
                      """));
      rebuild(fx);

      RuleSet.Snapshot rules = fx.doctor.rules().current();
      assertThat(rules.rule("sync-latency-high")).isPresent();
      assertThat(rules.rule("sync-broken")).isEmpty();
      assertThat(rules.rule("disk-space-critical").orElseThrow().source())
          .isEqualTo("builtin:resources.yaml");
      assertThat(rules.problems())
          .extracting(Object::toString)
          .containsExactly(
              "nxs-sync:rules.yaml:11: rule 'sync-broken': severity must be one of critical,"
                  + " high, medium, low, info, but was 'severe'",
              "nxs-sync:rules.yaml:13: rule 'disk-space-critical': id already defined in"
                  + " builtin:resources.yaml:4");
      assertThat(fx.audited("doctor.rule_rejected")).hasSize(2);
    }
  }

  @Test
  void aCustomRuleOverridesAModulesRuleById() throws Exception {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.extensions.ruleSources().register(new Shipped("sync", "nxs-sync:rules.yaml", SYNC_RULES));
      Path file = fx.home.resolve("rules").resolve("sync.yaml");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          """
          rules:
            - id: sync-latency-high
              severity: high
              condition: "sync.latency_seconds > 900"
          """);
      rebuild(fx);

      assertThat(
              fx.doctor
                  .rules()
                  .current()
                  .rule("sync-latency-high")
                  .orElseThrow()
                  .condition()
                  .source())
          .isEqualTo("sync.latency_seconds > 900");
      assertThat(fx.doctor.rules().current().overridden()).containsExactly("sync-latency-high");
    }
  }
}
