package io.nxs.rollout.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.ext.MetricSource;
import io.nxs.rollout.release.ReleaseException;
import io.nxs.rollout.release.ReleaseInstaller;
import io.nxs.rollout.release.ReleaseVersion;
import io.nxs.rollout.release.Restart;
import io.nxs.rollout.release.SmallRelease;
import io.nxs.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One instance (the single-node ports) running the whole rollout on a fake clock: real signed
 * archives installed with the {@code nxs upgrade} machinery in a scratch install root, figures from
 * a probe the test sets.
 */
class FleetRolloutsTest {

  private static final Vitals HEALTHY = new Vitals(200, 0.0, 20, 100, -1, -1);

  @TempDir Path dir;
  private final KeyPair keys = SmallRelease.keyPair();
  private final MutableClock clock = MutableClock.startingAt2026();
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private final AtomicReference<Vitals> figures = new AtomicReference<>(HEALTHY);
  private final ClusterPorts ports = new ClusterPorts("n1");
  private Path root;
  private FleetRollouts fleet;

  @BeforeEach
  void installTheFirstVersion() throws Exception {
    root = dir.resolve("opt");
    new ReleaseInstaller(root)
        .install(
            FleetReleases.signed(dir, "0.1.0", true, keys), keys.getPublic(), Optional.empty());
    fleet =
        process(
            new LocalReleases(
                root, Optional.of(keys.getPublic()), Optional.empty(), Duration.ofSeconds(60)));
  }

  private FleetRollouts process(NodeInstaller installer) {
    RolloutConfig config =
        new RolloutConfig(
            null, null, null, Duration.ofMinutes(1), null, Duration.ofMinutes(5), null, null, null);
    return new FleetRollouts(
        ports,
        installer,
        Optional.of(keys.getPublic()),
        figures::get,
        e -> {
          audit.add(e);
          return audit.size();
        },
        clock,
        config,
        dir.resolve("reports"));
  }

  private String current() throws Exception {
    return Files.readSymbolicLink(root.resolve("current")).toString();
  }

  private List<String> auditTypes() {
    return audit.stream().map(AuditEvent::type).toList();
  }

  private double metric(String name) {
    return fleet.metrics().collect().stream()
        .filter(s -> s.metric().equals(name))
        .mapToDouble(MetricSource.Sample::value)
        .sum();
  }

  @Test
  void aGoodReleaseIsInstalledWatchedAndDoneWithThePreviousVersionKept() throws Exception {
    Rollout started = fleet.start(FleetReleases.signed(dir, "0.2.0", true, keys), "cli");
    assertThat(started.waves()).containsExactly(new Waves.Wave(Waves.Step.FULL, List.of("n1")));
    fleet.tick(); // baseline taken, targeted
    fleet.tick(); // installed, watched
    assertThat(current()).isEqualTo("nxs-0.2.0");
    assertThat(fleet.status().rollout().orElseThrow().phase()).isEqualTo(Rollout.Phase.WATCHING);
    clock.advance(Duration.ofMinutes(1));
    fleet.tick();

    Rollout done = fleet.history().getFirst();
    assertThat(done.phase()).isEqualTo(Rollout.Phase.DONE);
    assertThat(fleet.status().previous()).isEqualTo("0.1.0");
    assertThat(root.resolve("nxs-0.1.0")).isDirectory();
    assertThat(auditTypes())
        .containsSubsequence(
            "rollout.started", "rollout.installed", "rollout.watching", "rollout.done");
    assertThat(dir.resolve("reports/" + done.id() + ".json")).isRegularFile();
    assertThat(metric("rollout.rolled_back")).isZero();
  }

  @Test
  void aBuildThatDoesNotStartIsUndoneAtOnceAndItsVersionNeverComesBack() throws Exception {
    fleet.start(FleetReleases.signed(dir, "0.2.0", false, keys), "cli");
    fleet.tick();
    fleet.tick(); // the install fails its start check: back on 0.1.0, reported FAILED
    assertThat(current()).isEqualTo("nxs-0.1.0");
    fleet.tick(); // rolling back: already there
    fleet.tick();

    Rollout rolledBack = fleet.history().getFirst();
    assertThat(rolledBack.phase()).isEqualTo(Rollout.Phase.ROLLED_BACK);
    assertThat(rolledBack.decision())
        .contains("n1: the new build does not start: bin/nxs --version exited 1");
    assertThat(auditTypes())
        .containsSubsequence(
            "rollout.started",
            "rollout.install_failed",
            "rollout.rolling_back",
            "rollout.rolled_back");
    assertThat(metric("rollout.rolled_back")).as("the Doctor's incident").isEqualTo(1);

    Path again = FleetReleases.signed(dir.resolve("again"), "0.2.0", true, keys);
    assertThatThrownBy(() -> fleet.start(again, "cli"))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("is not newer than 0.2.0, rolled back by " + rolledBack.id());
    fleet.start(FleetReleases.signed(dir, "0.2.1", true, keys), "cli");
    fleet.tick();
    fleet.tick();
    assertThat(current()).isEqualTo("nxs-0.2.1");
  }

  @Test
  void anInstanceWhoseErrorsDoubleAfterTheInstallGoesBackWithItsStateUntouched() throws Exception {
    Path state = Files.writeString(dir.resolve("state.db"), "the agent's state");
    fleet.start(FleetReleases.signed(dir, "0.2.0", true, keys), "cli");
    fleet.tick();
    fleet.tick();
    assertThat(current()).isEqualTo("nxs-0.2.0");
    figures.set(new Vitals(200, 0.2, 20, 100, -1, -1));
    clock.advance(NodeAgent.REFRESH); // figures alone are shared at most this often
    fleet.tick(); // judged: rolling back
    fleet.tick(); // the agent goes back; the coordinator sees it
    fleet.tick();

    assertThat(current()).isEqualTo("nxs-0.1.0");
    assertThat(root.resolve("nxs-0.2.0")).as("kept, never current again").isDirectory();
    assertThat(Files.readString(state)).isEqualTo("the agent's state");
    Rollout rolledBack = fleet.history().getFirst();
    assertThat(rolledBack.decision()).contains("n1: error rate 20.00 % > 2.0 x baseline 0.00 %");
    assertThat(rolledBack.judged().get("n1"))
        .containsEntry("baseline", HEALTHY)
        .hasEntrySatisfying("now", v -> assertThat(v.errorRate()).isEqualTo(0.2));
    assertThat(auditTypes()).contains("rollout.reverted");
  }

  @Test
  void badArchivesOldVersionsAndASecondRolloutAreRefusedWithNothingChanged() throws Exception {
    Path foreign =
        FleetReleases.signed(dir.resolve("foreign"), "0.3.0", true, SmallRelease.keyPair());
    assertThatThrownBy(() -> fleet.start(foreign, "cli"))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("trusted public key");
    Path old = FleetReleases.signed(dir.resolve("old"), "0.1.0", true, keys);
    assertThatThrownBy(() -> fleet.start(old, "cli"))
        .isInstanceOf(ReleaseException.class)
        .hasMessageContaining("0.1.0 is not newer than n1's 0.1.0; versions only go up");
    assertThat(fleet.status().rollout()).isEmpty();
    assertThat(audit).isEmpty();

    fleet.start(FleetReleases.signed(dir, "0.2.0", true, keys), "cli");
    Path next = FleetReleases.signed(dir, "0.3.0", true, keys);
    assertThatThrownBy(() -> fleet.start(next, "cli"))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("is running: wait for it or abort it");
    assertThat(fleet.abort("key:ops").decision()).isEqualTo("rolled back: aborted by key:ops");
    assertThat(auditTypes()).containsExactly("rollout.started", "rollout.aborted");
  }

  /** This instance as a process of {@code running} that the launcher's loop restarts. */
  private FleetRollouts supervised(String running, List<Restart> restarts) {
    return process(
        new LocalReleases(
            root,
            Optional.of(keys.getPublic()),
            Optional.of(ReleaseVersion.parse(running)),
            Duration.ofSeconds(60),
            Optional.of(restarts::add)));
  }

  @Test
  void aSupervisedInstanceIsWatchedOnceItRunsTheNewVersionAndAVersionStartedAgainAndAgainGoesBack()
      throws Exception {
    List<Restart> restarts = new ArrayList<>();
    FleetRollouts old = supervised("0.1.0", restarts);
    old.start(FleetReleases.signed(dir, "0.2.0", true, keys), "cli");
    old.tick();
    old.tick(); // installed: asks the loop to restart it into 0.2.0, 0.1.0 to go back to
    assertThat(current()).isEqualTo("nxs-0.2.0");
    assertThat(restarts)
        .containsExactly(
            new Restart(root.resolve("current/bin/nxs"), Optional.of(root.resolve("nxs-0.1.0"))));
    old.tick();
    assertThat(old.status().rollout().orElseThrow().phase())
        .as("installed, but the old process still runs")
        .isEqualTo(Rollout.Phase.INSTALLING);
    assertThat(restarts).as("asked once").hasSize(1);

    clock.advance(Duration.ofSeconds(5));
    supervised("0.2.0", restarts).tick(); // the loop started the new version
    assertThat(old.status().rollout().orElseThrow().phase()).isEqualTo(Rollout.Phase.WATCHING);
    assertThat(old.status().nodes().getFirst())
        .satisfies(r -> assertThat(r.running()).isEqualTo("0.2.0"))
        .satisfies(r -> assertThat(r.starts()).isEqualTo(1));

    FleetRollouts last = null;
    for (int i = 0; i < 3; i++) { // it crashed and the loop started it again, three times
      clock.advance(Duration.ofSeconds(5));
      last = supervised("0.2.0", restarts);
      last.tick();
    }
    assertThat(last.status().rollout().orElseThrow().decision())
        .contains("n1: crash loop: 0.2.0 started 4 times since it was installed (limit 3)");
    last.tick(); // goes back to 0.1.0 and asks to restart into it, with nothing further back
    assertThat(current()).isEqualTo("nxs-0.1.0");
    assertThat(restarts.getLast())
        .isEqualTo(new Restart(root.resolve("current/bin/nxs"), Optional.empty()));
    last.tick();
    assertThat(last.history().getFirst().phase()).isEqualTo(Rollout.Phase.ROLLED_BACK);
  }

  @Test
  void aVersionTheLoopPutBackAfterItCrashLoopedIsReportedFailedAndNotInstalledAgain()
      throws Exception {
    List<Restart> restarts = new ArrayList<>();
    FleetRollouts old = supervised("0.1.0", restarts);
    old.start(FleetReleases.signed(dir, "0.2.0", true, keys), "cli");
    old.tick();
    old.tick();
    assertThat(restarts).hasSize(1);
    // What dist/supervise does when 0.2.0 exits at once, again and again.
    new ReleaseInstaller(root).restore(ReleaseVersion.parse("0.1.0"));
    Files.writeString(
        root.resolve(Restart.CRASH_LOOP_FILE),
        "0.2.0\n0.1.0\nnxs-0.2.0 exited 1 3 times within 60 s\n");

    FleetRollouts back = supervised("0.1.0", restarts);
    back.tick(); // reported FAILED: the coordinator rolls back
    back.tick();
    back.tick();
    assertThat(current()).isEqualTo("nxs-0.1.0");
    Rollout rolledBack = back.history().getFirst();
    assertThat(rolledBack.phase()).isEqualTo(Rollout.Phase.ROLLED_BACK);
    assertThat(rolledBack.decision())
        .contains("n1: crash loop: nxs-0.2.0 exited 1 3 times within 60 s; back on 0.1.0");
    assertThat(auditTypes()).contains("rollout.crash_loop", "rollout.rolled_back");
    assertThat(restarts).as("already on the version it runs: no restart").hasSize(1);
  }
}
