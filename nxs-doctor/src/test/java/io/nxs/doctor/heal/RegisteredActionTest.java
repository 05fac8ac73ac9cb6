package io.nxs.doctor.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.HealingAction;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.HealingConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A healing action another module registered through the core interface (the gateway's level-3
 * "switch provider") runs automatically when its rule fires, and is verified like any other.
 */
class RegisteredActionTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  @Test
  void aRegisteredLevelThreeActionRunsAutomaticallyAndIsVerified() {
    HealingConfig healing =
        new HealingConfig(
            null,
            null,
            null,
            Duration.ofMinutes(1),
            null,
            null,
            List.of(
                new HealingConfig.ActionConfig(
                    "switch-provider",
                    3,
                    null,
                    "gateway.switch_provider",
                    List.of("high-error-rate"))));
    DoctorConfig config =
        new DoctorConfig(null, TEN_S, null, null, null, null, null, healing, null, null, null);
    try (DoctorFixture fx = new DoctorFixture(config)) {
      List<String> switched = new CopyOnWriteArrayList<>();
      fx.extensions
          .healingActions()
          .register(
              new HealingAction() {
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
                  return "switch to the next provider";
                }

                @Override
                public Outcome execute(String target, boolean dryRun) {
                  switched.add(target);
                  fx.synthetic.set("api.error_rate", 0);
                  return new Outcome(true, "switched to the backup provider");
                }
              });
      fx.synthetic.set("api.error_rate", 40);

      fx.run(Duration.ofSeconds(80), TEN_S);

      assertThat(switched).hasSize(1);
      assertThat(fx.doctor.healingLog(10))
          .anySatisfy(
              r -> {
                assertThat(r.action()).isEqualTo("switch-provider");
                assertThat(r.level()).isEqualTo(3);
                assertThat(r.state()).isEqualTo(HealingRecord.State.SUCCEEDED);
              });
      assertThat(fx.audited("healing.succeeded")).hasSize(1);
    }
  }
}
