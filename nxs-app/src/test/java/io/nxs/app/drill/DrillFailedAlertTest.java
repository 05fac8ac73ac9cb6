package io.nxs.app.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.ModuleDoctor;
import io.nxs.audit.AuditLog;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.Doctor;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.alert.AlertState;
import io.nxs.doctor.rule.RuleLoader;
import io.nxs.rollout.drill.Drill;
import io.nxs.rollout.drill.DrillModule;
import io.nxs.rollout.drill.DrillReport;
import io.nxs.rollout.drill.DrillRuns;
import io.nxs.rollout.drill.DrillSchedule;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A scheduled drill that fails opens the Doctor's {@code drill-failed} alert; a pass resolves it.
 */
class DrillFailedAlertTest {

  @Test
  void theShippedRuleLoads() {
    RuleLoader.Result r =
        RuleLoader.parse(DrillModule.rules().rulesYaml(), DrillModule.rules().origin());

    assertThat(r.problems()).isEmpty();
    assertThat(r.rules()).extracting(io.nxs.doctor.rule.Rule::id).containsExactly("drill-failed");
  }

  @Test
  void aFailedScheduledRunOpensTheAlertAndAPassingOneResolvesIt() throws Exception {
    try (TempHome home = TempHome.create()) {
      MutableClock clock = MutableClock.startingAt2026();
      StateStore state = StateStore.open(home.resolve("state.db"));
      state.migrate("core");
      AtomicBoolean broken = new AtomicBoolean(true);
      try (AuditLog audit = AuditLog.open(state, home.resolve("keys"), clock)) {
        DrillSchedule schedule =
            new DrillSchedule(
                Map.of("crash", Duration.ofHours(1)),
                Drill.all(),
                // The drill's outcome, without its daemon: what the Doctor makes of it is tested.
                d ->
                    new DrillReport(
                        d.name(),
                        clock.instant(),
                        Duration.ofSeconds(9),
                        List.of(new DrillReport.Check("still whole", !broken.get(), ""))),
                DrillRuns.migrated(state),
                audit,
                clock);
        Doctor doctor =
            ModuleDoctor.of(
                home.path(), state, audit, clock, schedule.metrics(), DrillModule.rules());
        try {
          clock.advance(Duration.ofHours(1));
          schedule.tick();
          doctor.tick();

          assertThat(firing(doctor))
              .singleElement()
              .satisfies(a -> assertThat(a.labels()).containsEntry("drill", "crash"));

          broken.set(false);
          clock.advance(Duration.ofHours(1));
          schedule.tick();
          doctor.tick();

          assertThat(firing(doctor)).isEmpty();
        } finally {
          doctor.close();
        }
      }
    }
  }

  private static List<Alert> firing(Doctor doctor) {
    return doctor.alerts().open().stream()
        .filter(a -> a.ruleId().equals("drill-failed") && a.state() == AlertState.FIRING)
        .toList();
  }
}
