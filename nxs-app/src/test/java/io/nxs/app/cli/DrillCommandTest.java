package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import io.nxs.core.state.StateStore;
import io.nxs.rollout.drill.DrillReport;
import io.nxs.rollout.drill.DrillRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs drill}: drills run a real daemon on a scratch home and leave the live one alone. */
class DrillCommandTest {

  @TempDir Path dir;

  @Test
  void theCleanStartDrillPassesOnAScratchHomeAndWritesBothReports() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = LiveHome.tree(live.dir());
    Path reports = dir.resolve("reports");

    CliRunner.Result run =
        new CliRunner(live.dir())
            .run("drill", "run", "clean-start", "--report-dir", reports.toString(), "-o", "json");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains("\"drill\" : \"clean-start\"")
        .contains("\"passed\" : true")
        .contains("/readyz 200 after")
        .contains("stops cleanly on SIGTERM")
        .contains("audit chain verifies");
    assertThat(LiveHome.tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
    try (Stream<Path> files = Files.list(reports)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .hasSize(2)
          .anyMatch(n -> n.startsWith("clean-start-") && n.endsWith(".json"))
          .anyMatch(n -> n.startsWith("clean-start-") && n.endsWith(".txt"));
    }
    CliRunner.Result list = new CliRunner(live.dir()).run("drill", "list");
    assertThat(list.out().lines())
        .as("a run by hand is recorded as a scheduled one is")
        .anySatisfy(l -> assertThat(l).startsWith("clean-start").contains("PASSED"))
        .anySatisfy(l -> assertThat(l).startsWith("crash").contains("never"));
    CliRunner.Result audited =
        new CliRunner(live.dir())
            .run("audit", "query", "--type", "drill.passed", "--actor", "cli", "-o", "json");
    assertThat(audited.out()).contains("clean-start").contains("run_by");
  }

  @Test
  void theCrashDrillFindsAcknowledgedWritesAfterASigkill() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    List<String> before = LiveHome.tree(live.dir());

    CliRunner.Result run = new CliRunner(live.dir()).run("drill", "run", "crash");

    assertThat(run.code()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .startsWith("drill crash: PASSED")
        .contains("ok    ready again after SIGKILL: /readyz 200 after")
        .contains("ok    acknowledged writes survived: 3 of 3 keys there after the crash")
        .contains("ok    audit chain verifies (nothing corrupt)");
    assertThat(LiveHome.tree(live.dir()))
        .as("the live home is untouched but for the run's record")
        .isEqualTo(before);
  }

  @Test
  void listNamesTheDrillsAndAnUnknownNameIsAUsageError() {
    CliRunner cli = new CliRunner(dir.resolve("live"));

    CliRunner.Result list = cli.run("drill", "list");
    CliRunner.Result unknown = cli.run("drill", "run", "meteor-strike");

    assertThat(list.out()).contains("clean-start").contains("crash");
    assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
    assertThat(unknown.err())
        .contains("no drill 'meteor-strike': the drills are clean-start, crash");
  }

  @Test
  void listShowsEachDrillsLastScheduledRunAndItsResult() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    DrillRuns runs = DrillRuns.migrated(StateStore.open(live.stateDb()));
    Instant at = Instant.parse("2026-12-01T03:00:00Z");
    runs.record(
        new DrillReport(
            "crash",
            at,
            Duration.ofSeconds(9),
            List.of(
                new DrillReport.Check("ready again after SIGKILL", true, "ok"),
                new DrillReport.Check("acknowledged writes survived", false, "2 of 3"))));

    CliRunner.Result list = new CliRunner(live.dir()).run("drill", "list");
    CliRunner.Result json = new CliRunner(live.dir()).run("drill", "list", "-o", "json");

    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out().lines())
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("crash")
                    .contains("2026-12-01T03:00:00Z")
                    .contains("FAILED (acknowledged writes survived)"))
        .anySatisfy(l -> assertThat(l).startsWith("clean-start").contains("never"));
    assertThat(json.out()).contains("\"passed\" : false").contains("\"duration_ms\" : 9000");
  }

  @Test
  void aScheduleNamingNoDrillIsAConfigErrorWithItsLine() throws Exception {
    NxsHome live = new NxsHome(dir.resolve("live"));
    live.initialize();
    Files.writeString(
        live.config(),
        Files.readString(live.config()) + "drills:\n  schedule:\n    meteor-strike: 1h\n");

    CliRunner.Result check = new CliRunner(live.dir()).run("config", "check");

    assertThat(check.code()).isNotZero();
    assertThat(check.out() + check.err())
        .contains("nxs.yaml:")
        .contains("no drill 'meteor-strike': the drills are clean-start, crash, corruption,");
  }
}
