package io.nxs.rollout.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.rollout.fleet.NodeReport.Step;
import io.nxs.rollout.fleet.Rollout.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rollout's state machine on a fake clock: each test is a few ticks of the coordinator. */
class CoordinatorTest {

  private static final Vitals HEALTHY = new Vitals(1000, 0.01, 100, 300, 1, 2);
  private static final RolloutConfig CONFIG =
      new RolloutConfig(
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(4),
          Duration.ofHours(24),
          null,
          Duration.ofMinutes(10),
          null,
          null,
          null);

  private Instant now = Instant.parse("2026-12-06T12:00:00Z");
  private final Map<String, NodeReport> reports = new HashMap<>();
  private Set<String> present = Set.of("a", "b", "c");
  private Rollout rollout;

  @BeforeEach
  void start() {
    rollout =
        Rollout.start(
            "R-1",
            "0.2.0",
            "/srv/nxs-0.2.0.tar.gz",
            "ab",
            Waves.plan(List.of("a", "b", "c"), "a"),
            "cli",
            now);
    for (String n : List.of("a", "b", "c")) {
      reports.put(n, report(n, "0.1.0", "", Step.READY, HEALTHY));
    }
  }

  private NodeReport report(String node, String installed, String rolloutId, Step step, Vitals v) {
    return new NodeReport(node, installed, "", rolloutId, step, HEALTHY, v, "", now);
  }

  private void tick() {
    rollout = Coordinator.step(rollout, reports, present, now, CONFIG);
  }

  private void later(Duration d) {
    now = now.plus(d);
  }

  /** The agent of an instance: baseline taken, then installs when targeted. */
  private void agents(Vitals afterInstall) {
    for (String n : List.of("a", "b", "c")) {
      NodeReport r = reports.get(n);
      String target = rollout.targets().get(n);
      if (!r.rollout().equals(rollout.id())) {
        reports.put(n, report(n, r.installed(), rollout.id(), Step.READY, HEALTHY));
      } else if (target != null && !target.equals(r.installed())) {
        boolean forward = target.equals(rollout.version());
        reports.put(
            n,
            report(
                n,
                target,
                rollout.id(),
                forward ? Step.INSTALLED : Step.ROLLED_BACK,
                forward ? afterInstall : HEALTHY));
      }
    }
  }

  @Test
  void aGoodReleaseGoesCanaryThenNextThenThePrimaryLastEachWatchedForItsDuration() {
    tick();
    assertThat(rollout.targets()).as("targeted once its baseline is reported").isEmpty();
    agents(HEALTHY);
    tick();
    assertThat(rollout.targets()).containsOnlyKeys("b");
    assertThat(rollout.from()).containsEntry("b", "0.1.0");
    agents(HEALTHY);
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.WATCHING);
    later(Duration.ofMinutes(29));
    tick();
    assertThat(rollout.phase()).as("the canary's watch is 30 min").isEqualTo(Phase.WATCHING);
    later(Duration.ofMinutes(1));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.INSTALLING);
    assertThat(rollout.current().nodes()).containsExactly("c");
    agents(HEALTHY);
    tick();
    agents(HEALTHY);
    tick();
    later(Duration.ofHours(4));
    tick();
    assertThat(rollout.current().nodes()).as("the primary last").containsExactly("a");
    agents(HEALTHY);
    tick();
    agents(HEALTHY);
    tick();
    later(Duration.ofHours(24).minusSeconds(1));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.WATCHING);
    later(Duration.ofSeconds(1));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.DONE);
    assertThat(rollout.endedAt()).isEqualTo(now);
    assertThat(rollout.targets())
        .containsOnly(Map.entry("a", "0.2.0"), Map.entry("b", "0.2.0"), Map.entry("c", "0.2.0"));
  }

  @Test
  void aCanaryThatRaisesErrorsIsRolledBackWithTheFiguresJudged() {
    tick();
    agents(HEALTHY);
    tick();
    agents(new Vitals(1000, 0.05, 100, 300, 1, 2));
    tick();
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollout.decision())
        .startsWith("rolled back: b: error rate 5.00 % > 2.0 x baseline 1.00 %");
    assertThat(rollout.judged().get("b")).containsEntry("baseline", HEALTHY);
    assertThat(rollout.targets()).containsExactly(Map.entry("b", "0.1.0"));
    tick();
    assertThat(rollout.phase()).as("until b confirms").isEqualTo(Phase.ROLLING_BACK);
    agents(HEALTHY);
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(rollout.decision()).startsWith("rolled back: b: error rate");
    assertThat(rollout.targets()).doesNotContainKeys("a", "c");
  }

  @Test
  void aCanaryWhoseBuildDoesNotStartIsRolledBackAtOnce() {
    tick();
    agents(HEALTHY);
    tick();
    reports.put(
        "b",
        new NodeReport(
            "b",
            "0.1.0",
            "",
            "R-1",
            Step.FAILED,
            HEALTHY,
            Vitals.NONE,
            "the new build does not start: bin/nxs --version exited 1",
            now));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollout.decision()).contains("b: the new build does not start");
    tick();
    assertThat(rollout.phase()).as("b already runs 0.1.0 again").isEqualTo(Phase.ROLLED_BACK);
  }

  @Test
  void anInstanceLostWhileWatchedRollsBackAndTheRollbackEndsWithoutIt() {
    tick();
    agents(HEALTHY);
    tick();
    agents(HEALTHY);
    tick();
    present = Set.of("a", "c");
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollout.decision()).contains("b: left the cluster while watched");
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLED_BACK);
    assertThat(rollout.decision()).contains("not in the cluster (reverts when it returns): b");
  }

  @Test
  void anAbortRollsBackEveryReachedInstance() {
    tick();
    agents(HEALTHY);
    tick();
    agents(HEALTHY);
    tick();
    rollout = Coordinator.abort(rollout, "key:ops", reports, now);
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollout.decision()).isEqualTo("rolled back: aborted by key:ops");
    assertThat(Coordinator.abort(rollout, "again", reports, now)).isEqualTo(rollout);
  }

  @Test
  void aStepThatDoesNotInstallInTimeRollsBack() {
    tick();
    agents(HEALTHY);
    tick();
    later(Duration.ofMinutes(10).plusSeconds(1));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollout.decision()).contains("step CANARY did not install within PT10M: b");
  }

  @Test
  void anotherCoordinatorGoesOnFromTheSharedRolloutAsItStands() {
    tick();
    agents(HEALTHY);
    tick();
    agents(HEALTHY);
    tick();
    // The coordinator "a" is lost; its successor only has the shared rollout and the reports,
    // and goes on with the canary's watch as it was started.
    Rollout shared = rollout;
    later(Duration.ofMinutes(30));
    Rollout successor = Coordinator.step(shared, reports, Set.of("b", "c"), now, CONFIG);
    assertThat(successor.phase()).isEqualTo(Phase.INSTALLING);
    assertThat(successor.current().step()).isEqualTo(Waves.Step.THREE_QUARTERS);
  }

  /** The canary's report: installed {@code installed}, its process running {@code running}. */
  private NodeReport canary(String installed, String running, int starts) {
    return new NodeReport(
        "b",
        installed,
        "0.1.0",
        rollout.id(),
        Step.INSTALLED,
        HEALTHY,
        HEALTHY,
        "installed " + installed,
        now,
        running,
        now,
        starts);
  }

  @Test
  void anInstanceThatInstalledButStillRunsTheOldProcessIsNotWatchedUntilItRunsTheNewVersion() {
    tick();
    agents(HEALTHY);
    tick();
    reports.put("b", canary("0.2.0", "0.1.0", 1));
    tick();
    assertThat(rollout.phase()).as("installed, not yet restarted").isEqualTo(Phase.INSTALLING);
    reports.put("b", canary("0.2.0", "0.2.0", 1));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.WATCHING);
  }

  @Test
  void aNewVersionStartedMoreOftenThanTheLimitIsACrashLoopAndRolledBack() {
    tick();
    agents(HEALTHY);
    tick();
    reports.put("b", canary("0.2.0", "0.2.0", 1));
    tick();
    reports.put("b", canary("0.2.0", "0.2.0", 3));
    later(Duration.ofMinutes(1));
    tick();
    assertThat(rollout.phase()).as("3 starts is the limit").isEqualTo(Phase.WATCHING);
    reports.put("b", canary("0.2.0", "0.2.0", 4));
    tick();
    assertThat(rollout.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollout.decision())
        .contains("b: crash loop: 0.2.0 started 4 times since it was installed (limit 3)");
    assertThat(rollout.targets()).containsEntry("b", "0.1.0");
  }
}
