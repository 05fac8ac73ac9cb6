package io.nxs.doctor.heal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.HealingAction;
import io.nxs.doctor.DoctorFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Healing out of the box: every level has a default action tied to built-in rules, and a failed
 * level escalates to the next — levels 1-3 at once, 4-6 after an operator's approval.
 */
class HealingLadderTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  /** An action another module would register (the gateway's, the vault's, the daemon's). */
  record Registered(String name, int level, Function<String, Outcome> body, List<String> runs)
      implements HealingAction {
    Registered(String name, int level, Function<String, Outcome> body) {
      this(name, level, body, new CopyOnWriteArrayList<>());
    }

    @Override
    public String description() {
      return name;
    }

    @Override
    public Outcome execute(String target, boolean dryRun) {
      runs.add(target);
      return body.apply(target);
    }
  }

  private static HealingRecord latest(DoctorFixture fx) {
    return fx.doctor.healingLog(1).getFirst();
  }

  @Test
  void everyProviderFailingClimbsFromSwitchingProviderToRestartingNxsToRollingBackTheConfig() {
    try (DoctorFixture fx = new DoctorFixture()) {
      Registered switchProvider =
          new Registered(
              "gateway.switch_provider",
              3,
              t -> new HealingAction.Outcome(false, "no other available provider to switch to"));
      Registered rollback =
          new Registered(
              "nxs.rollback_config",
              5,
              t -> {
                fx.synthetic.set("gateway.providers_failing", 0); // the old config's keys work
                return new HealingAction.Outcome(true, "put back the last good configuration");
              });
      fx.extensions.healingActions().register(switchProvider);
      fx.extensions.healingActions().register(rollback);
      fx.doctor.close();
      fx.doctor = fx.build(fx.doctor.config());
      fx.synthetic.set("gateway.providers", 2).set("gateway.providers_failing", 2);

      fx.run(Duration.ofSeconds(40), TEN_S); // fires after its 30 s: level 3 runs at once, fails
      assertThat(switchProvider.runs()).hasSize(1);
      fx.tick(TEN_S); // escalates to level 4, which waits for an operator
      HealingRecord restart = latest(fx);
      assertThat(restart.action()).isEqualTo(RestartNxsAction.NAME);
      assertThat(restart.level()).isEqualTo(4);
      assertThat(restart.state()).isEqualTo(HealingRecord.State.AWAITING_APPROVAL);
      assertThat(fx.exits).isEmpty();

      fx.doctor.approve(restart.id(), "ops");
      assertThat(fx.exits).containsExactly(RestartNxsAction.EXIT_CODE);
      assertThat(latest(fx).state()).isEqualTo(HealingRecord.State.VERIFYING);

      fx.run(Duration.ofMinutes(2).plus(TEN_S), TEN_S); // the restart did not help: verify fails
      HealingRecord roll = latest(fx);
      assertThat(roll.action()).isEqualTo("nxs.rollback_config");
      assertThat(roll.level()).isEqualTo(5);
      assertThat(roll.state()).isEqualTo(HealingRecord.State.AWAITING_APPROVAL);

      fx.doctor.approve(roll.id(), "ops");
      fx.tick(TEN_S);
      assertThat(rollback.runs()).hasSize(1);
      assertThat(fx.doctor.healingLog(10))
          .extracting(HealingRecord::action, HealingRecord::state)
          .startsWith(
              org.assertj.core.groups.Tuple.tuple(
                  "nxs.rollback_config", HealingRecord.State.SUCCEEDED),
              org.assertj.core.groups.Tuple.tuple(
                  RestartNxsAction.NAME, HealingRecord.State.FAILED),
              org.assertj.core.groups.Tuple.tuple(
                  "gateway.switch_provider", HealingRecord.State.FAILED));
      assertThat(fx.audited("healing.approved")).hasSize(2);
    }
  }

  @Test
  void aDamagedStateDatabaseIsRestoredFromTheLastVerifiedBackupAfterApproval() {
    try (DoctorFixture fx = new DoctorFixture()) {
      Registered restore =
          new Registered(
              "vault.restore_from_backup",
              6,
              t -> {
                fx.synthetic.set("nxs.state_ok", 1);
                return new HealingAction.Outcome(true, "restored state.db from snapshot s1");
              });
      fx.extensions.healingActions().register(restore);
      fx.doctor.close();
      fx.doctor = fx.build(fx.doctor.config());
      fx.synthetic.set("nxs.state_ok", 0);

      fx.tick(TEN_S);
      HealingRecord r = latest(fx);
      assertThat(r.action()).isEqualTo("vault.restore_from_backup");
      assertThat(r.state()).isEqualTo(HealingRecord.State.AWAITING_APPROVAL);
      assertThat(restore.runs()).isEmpty();

      fx.doctor.approve(r.id(), "ops");
      fx.tick(TEN_S);
      assertThat(latest(fx).state()).isEqualTo(HealingRecord.State.SUCCEEDED);
    }
  }

  @Test
  void highMemoryClearsCachesAtOnce() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("memory.used_percent", 95);

      fx.run(Duration.ofMinutes(5).plus(TEN_S), TEN_S);

      HealingRecord r = latest(fx);
      assertThat(r.action()).isEqualTo(ClearCachesAction.NAME);
      assertThat(r.level()).isEqualTo(1);
      assertThat(r.state()).isEqualTo(HealingRecord.State.VERIFYING);
      assertThat(r.detail()).contains("truncated the WAL");
    }
  }

  @Test
  void restartingNxsRefusesWithoutASupervisorThatWouldStartItAgain() {
    RestartNxsAction action =
        new RestartNxsAction(
            RestartNxsAction.supervisorFrom(Map.of("HOME", "/root")),
            code -> {
              throw new AssertionError("must not exit");
            });
    HealingAction.Outcome o = action.execute("nxs", false);
    assertThat(o.success()).isFalse();
    assertThat(o.detail()).contains("restart it by hand");
    assertThat(RestartNxsAction.supervisorFrom(Map.of("INVOCATION_ID", "a1b2")))
        .contains("systemd");
  }
}
