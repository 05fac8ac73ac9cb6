package io.nxs.rollout.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drills.schedule}: the daemon runs each scheduled drill one interval after the last run (or
 * after it started), records and audits the outcome; the clock decides, a fake one here.
 */
class DrillScheduleTest {

  @TempDir Path dir;

  private final MutableClock clock = MutableClock.startingAt2026();
  private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final AtomicBoolean breaks = new AtomicBoolean();
  private DrillRuns runs;

  private final Drill steady =
      new Drill("steady", "always holds", (scratch, checks) -> check(checks, "held", true));
  private final Drill fragile =
      new Drill(
          "fragile",
          "holds until it breaks",
          (scratch, checks) -> check(checks, "still whole", !breaks.get()));

  @BeforeEach
  void open() {
    runs = DrillRuns.migrated(StateStore.open(dir.resolve("state.db")));
  }

  @Test
  void aDrillRunsOneIntervalAfterTheStartThenOneIntervalAfterItsLastRun() {
    DrillSchedule schedule = schedule(Map.of("steady", Duration.ofHours(24)));

    clock.advance(Duration.ofHours(23));
    assertThat(schedule.tick()).as("not due before one interval").isEmpty();
    clock.advance(Duration.ofHours(1));
    assertThat(schedule.tick()).extracting(DrillReport::drill).containsExactly("steady");
    clock.advance(Duration.ofHours(12));
    assertThat(schedule.tick()).as("ran 12 h ago").isEmpty();
    clock.advance(Duration.ofHours(12));
    assertThat(schedule.tick()).hasSize(1);

    assertThat(ran).containsExactly("steady", "steady");
    assertThat(audit).extracting(AuditEvent::type).containsExactly("drill.passed", "drill.passed");
    assertThat(runs.last().get("steady").startedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aRestartedDaemonGoesOnFromTheLastRecordedRun() {
    DrillSchedule before = schedule(Map.of("steady", Duration.ofHours(24)));
    clock.advance(Duration.ofHours(24));
    assertThat(before.tick()).hasSize(1);
    clock.advance(Duration.ofHours(20));

    DrillSchedule afterRestart = schedule(Map.of("steady", Duration.ofHours(24)));

    assertThat(afterRestart.tick()).as("the last run was 20 h ago").isEmpty();
    clock.advance(Duration.ofHours(4));
    assertThat(afterRestart.tick()).hasSize(1);
  }

  @Test
  void aFailedRunIsAuditedWithWhatFailedAndRaisesTheDoctorsFigureUntilARunPasses() {
    DrillSchedule schedule =
        schedule(Map.of("fragile", Duration.ofHours(1), "steady", Duration.ofHours(2)));
    breaks.set(true);
    clock.advance(Duration.ofHours(1));

    schedule.tick();

    assertThat(ran).as("only the due drill").containsExactly("fragile");
    AuditEvent failed = audit.getLast();
    assertThat(failed.type()).isEqualTo("drill.failed");
    assertThat(failed.target()).isEqualTo("fragile");
    assertThat(failed.details()).containsEntry("failed", "still whole");
    assertThat(figure(schedule.metrics(), "fragile")).isEqualTo(1.0);

    breaks.set(false);
    clock.advance(Duration.ofHours(1));
    schedule.tick();

    assertThat(ran).containsExactly("fragile", "fragile", "steady");
    assertThat(figure(schedule.metrics(), "fragile")).isEqualTo(0.0);
    assertThat(runs.last().get("fragile").passed()).isTrue();
  }

  @Test
  void theConfigRefusesAnUnknownDrillAndATooShortInterval() {
    assertThatThrownBy(() -> new DrillsConfig(Map.of("meteor-strike", Duration.ofHours(1))))
        .hasMessageStartingWith("no drill 'meteor-strike': the drills are clean-start,");
    assertThatThrownBy(() -> new DrillsConfig(Map.of("crash", Duration.ofMinutes(1))))
        .hasMessageContaining("schedule.crash must be at least 10m");
    assertThat(DrillsConfig.defaults().schedule()).isEmpty();
  }

  private DrillSchedule schedule(Map<String, Duration> every) {
    AuditTrail trail =
        e -> {
          audit.add(e);
          return audit.size();
        };
    return new DrillSchedule(
        every,
        List.of(fragile, steady),
        drill -> {
          ran.add(drill.name());
          return drill.run(List.of("java"), "server: {}\n".getBytes(StandardCharsets.UTF_8), clock);
        },
        runs,
        trail,
        clock);
  }

  private static double figure(MetricSource source, String drill) {
    return source.collect().stream()
        .filter(s -> s.metric().equals("drill.failed") && drill.equals(s.labels().get("drill")))
        .findFirst()
        .map(MetricSource.Sample::value)
        .orElse(-1.0);
  }

  private static void check(List<DrillReport.Check> checks, String name, boolean held) {
    checks.add(new DrillReport.Check(name, held, held ? "" : "broken"));
  }
}
