package io.nxs.doctor.heal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.command.ShellCommand;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.HealingConfig;
import io.nxs.doctor.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Healing for real: a supervised child process ({@code sleep}) that the test kills is restarted by
 * the level-2 restart command, and the probe verifies it.
 */
class HealingTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Path pidFile;
  private Path marker;

  @BeforeEach
  void paths() {
    pidFile = dir.resolve("worker.pid");
    marker = dir.resolve("full-restart.done");
  }

  @AfterEach
  void killWorker() throws IOException {
    if (Files.exists(pidFile)) {
      ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private DoctorConfig config(String restart, boolean dryRun) {
    ServiceConfig worker =
        new ServiceConfig(
            "worker",
            null,
            null,
            "kill -0 $(cat '" + pidFile + "') 2>/dev/null",
            null,
            restart,
            null,
            null,
            Duration.ofSeconds(5));
    HealingConfig healing =
        new HealingConfig(
            dryRun,
            3,
            Duration.ofMinutes(15),
            Duration.ofSeconds(30),
            Duration.ofMinutes(10),
            Duration.ofSeconds(20),
            List.of(
                new HealingConfig.ActionConfig(
                    "full-restart",
                    5,
                    "echo {{target}} > '" + marker + "'",
                    null,
                    List.of("service-down"))));
    return new DoctorConfig(
        null, TEN_S, null, List.of(worker), null, null, null, healing, null, null, null);
  }

  private String startCommand() {
    return "sleep 300 >/dev/null 2>&1 & echo $! > '" + pidFile + "'";
  }

  private long pid() throws IOException {
    return Long.parseLong(Files.readString(pidFile).strip());
  }

  private void startWorker() {
    assertThat(ShellCommand.run(startCommand(), Duration.ofSeconds(5)).ok()).isTrue();
  }

  private void kill() throws IOException {
    ProcessHandle p = ProcessHandle.of(pid()).orElseThrow();
    p.destroyForcibly();
    p.onExit().join();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Ticks until a healing record matches, at most {@code max} ticks. */
  private static HealingRecord tickUntil(
      DoctorFixture fx, Predicate<HealingRecord> wanted, int max) {
    for (int i = 0; i < max; i++) {
      fx.tick(TEN_S);
      var hit = fx.doctor.healingLog(50).stream().filter(wanted).findFirst();
      if (hit.isPresent()) {
        return hit.get();
      }
    }
    throw new AssertionError(
        "no healing record as wanted after " + max + " ticks: " + fx.doctor.healingLog(50));
  }

  private static Predicate<HealingRecord> state(String action, HealingRecord.State s) {
    return r -> r.action().equals(action) && r.state() == s;
  }

  private static long processGroup(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[2]);
  }

  @Test
  void aKilledChildIsRestartedByLevelTwoAndTheProbeVerifiesIt() throws IOException {
    try (DoctorFixture fx = new DoctorFixture(config(startCommand(), false))) {
      startWorker();
      long first = pid();
      fx.tick(TEN_S);
      kill();

      HealingRecord done =
          tickUntil(fx, state(Healer.RESTART_SERVICE, HealingRecord.State.SUCCEEDED), 8);

      long second = pid();
      assertThat(second).isNotEqualTo(first);
      assertThat(alive(second)).isTrue();
      assertThat(processGroup(second))
          .as("the restarted service is outside the daemon's process group")
          .isNotEqualTo(processGroup(ProcessHandle.current().pid()));
      assertThat(done.level()).isEqualTo(2);
      assertThat(done.target()).isEqualTo("worker");
      assertThat(done.exitCode()).isZero();
      assertThat(done.ruleId()).isEqualTo("service-down");
      assertThat(fx.audited("healing.*"))
          .extracting(e -> e.eventType())
          .containsSubsequence("healing.started", "healing.succeeded");
      assertThat(fx.doctor.alerts().open()).noneMatch(a -> a.ruleId().equals("service-down"));
    }
  }

  @Test
  void aServiceThatKeepsDyingIsRestartedAtMostTheLimitThenEscalatedToApproval() throws IOException {
    try (DoctorFixture fx = new DoctorFixture(config(startCommand(), false))) {
      startWorker();
      for (int round = 1; round <= 3; round++) {
        fx.tick(TEN_S);
        kill();
        int before =
            (int)
                fx.doctor.healingLog(50).stream()
                    .filter(state(Healer.RESTART_SERVICE, HealingRecord.State.SUCCEEDED))
                    .count();
        for (int i = 0;
            i < 8
                && fx.doctor.healingLog(50).stream()
                        .filter(state(Healer.RESTART_SERVICE, HealingRecord.State.SUCCEEDED))
                        .count()
                    == before;
            i++) {
          fx.tick(TEN_S);
        }
      }
      fx.tick(TEN_S);
      kill();

      HealingRecord waiting =
          tickUntil(fx, state("full-restart", HealingRecord.State.AWAITING_APPROVAL), 6);

      List<HealingRecord> log = fx.doctor.healingLog(50);
      assertThat(log)
          .filteredOn(r -> r.action().equals(Healer.RESTART_SERVICE) && r.exitCode() != null)
          .hasSize(3);
      assertThat(log)
          .filteredOn(state(Healer.RESTART_SERVICE, HealingRecord.State.RATE_LIMITED))
          .hasSize(1);
      assertThat(waiting.level()).isEqualTo(5);
      assertThat(alive(pid())).as("not restarted a fourth time").isFalse();
      assertThat(marker).doesNotExist();

      HealingRecord approved = fx.doctor.approve(waiting.id(), "ops");

      assertThat(marker).hasContent("worker");
      assertThat(approved.approvedBy()).isEqualTo("ops");
      assertThat(approved.state()).isEqualTo(HealingRecord.State.VERIFYING);
      assertThat(fx.audited("healing.approved"))
          .singleElement()
          .satisfies(e -> assertThat(e.actor()).isEqualTo("ops"));
      assertThatThrownBy(() -> fx.doctor.approve(waiting.id(), "ops"))
          .isInstanceOf(NxsException.class)
          .hasMessageContaining("not awaiting approval");
    }
  }

  @Test
  void theAttemptCounterResetsAfterAHealthyPeriod() throws IOException {
    try (DoctorFixture fx = new DoctorFixture(config(startCommand(), false))) {
      startWorker();
      for (int round = 1; round <= 3; round++) {
        fx.tick(TEN_S);
        kill();
        long succeeded =
            fx.doctor.healingLog(50).stream()
                .filter(state(Healer.RESTART_SERVICE, HealingRecord.State.SUCCEEDED))
                .count();
        for (int i = 0;
            i < 8
                && fx.doctor.healingLog(50).stream()
                        .filter(state(Healer.RESTART_SERVICE, HealingRecord.State.SUCCEEDED))
                        .count()
                    == succeeded;
            i++) {
          fx.tick(TEN_S);
        }
      }
      fx.run(Duration.ofMinutes(11), Duration.ofMinutes(1));
      kill();

      tickUntil(
          fx,
          r ->
              r.action().equals(Healer.RESTART_SERVICE)
                  && r.state() == HealingRecord.State.SUCCEEDED
                  && fx.doctor.healingLog(50).stream()
                          .filter(state(Healer.RESTART_SERVICE, HealingRecord.State.SUCCEEDED))
                          .count()
                      == 4,
          8);

      assertThat(fx.doctor.healingLog(50))
          .noneMatch(r -> r.state() == HealingRecord.State.RATE_LIMITED);
    }
  }

  @Test
  void aRestartThatDoesNotHelpFailsItsVerifyAndEscalates() throws IOException {
    try (DoctorFixture fx = new DoctorFixture(config("true", false))) {
      startWorker();
      fx.tick(TEN_S);
      kill();

      HealingRecord failed =
          tickUntil(fx, state(Healer.RESTART_SERVICE, HealingRecord.State.FAILED), 10);
      HealingRecord waiting =
          tickUntil(fx, state("full-restart", HealingRecord.State.AWAITING_APPROVAL), 3);

      assertThat(failed.detail()).startsWith("verify failed");
      assertThat(waiting.alertId()).isEqualTo(failed.alertId());
      fx.tick(TEN_S);
      assertThat(fx.doctor.alerts().open())
          .anySatisfy(
              a -> {
                assertThat(a.ruleId()).isEqualTo("service-restart-failed");
                assertThat(a.labels()).containsEntry("service", "worker");
              });
    }
  }

  @Test
  void dryRunLogsWhatWouldRunAndRunsNothing() throws IOException {
    try (DoctorFixture fx = new DoctorFixture(config(startCommand(), true))) {
      startWorker();
      long first = pid();
      fx.tick(TEN_S);
      kill();

      HealingRecord dry =
          tickUntil(fx, state(Healer.RESTART_SERVICE, HealingRecord.State.DRY_RUN), 6);

      assertThat(dry.detail()).startsWith("dry run: would run: sleep 300");
      assertThat(pid()).isEqualTo(first);
      assertThat(alive(first)).isFalse();
    }
  }
}
