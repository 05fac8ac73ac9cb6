package io.nxs.app.cli;

import io.nxs.app.NxsHome;
import io.nxs.app.ThisBuild;
import io.nxs.core.Json;
import io.nxs.core.state.StateStore;
import io.nxs.rollout.drill.Drill;
import io.nxs.rollout.drill.DrillReport;
import io.nxs.rollout.drill.DrillRuns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs drill list|run NAME|run --all}: recovery drills (SPEC RO5), each on a scratch home
 * with a real {@code nxs serve} child process of this build, never on the live home. The vault's
 * restore drill is {@code nxs backup drill}.
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Recovery drills on a scratch home, never the live one (the restore drill is"
          + " 'nxs backup drill').",
      "Each prints a report (-o json for JSON); exit 0 when every check held, 1 when one failed."
    },
    subcommands = {DrillCommand.ListDrills.class, DrillCommand.Run.class})
final class DrillCommand extends CommandGroup {

  /** Every drill this build has, by name. */
  private static final Map<String, Drill> DRILLS = new LinkedHashMap<>();

  static {
    Drill.all().forEach(d -> DRILLS.put(d.name(), d));
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "The drills there are, with the last run of each (scheduled or by 'nxs drill run').")
  static final class ListDrills implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, DrillRuns.Run> last = lastRuns(Commands.global(spec).home());
      Table table = Table.of("DRILL", "LAST RUN", "RESULT", "CHECKS");
      List<Map<String, Object>> json = new ArrayList<>();
      for (Drill d : DRILLS.values()) {
        DrillRuns.Run run = last.get(d.name());
        table.row(
            d.name(),
            run == null ? "never" : run.startedAt().toString(),
            run == null ? "-" : result(run),
            d.checks());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("checks", d.checks());
        m.put("last_run", run == null ? null : lastRun(run));
        json.add(m);
      }
      Commands.print(spec, json, table);
      return ExitCode.OK;
    }

    private static String result(DrillRuns.Run run) {
      return run.passed() ? "PASSED" : "FAILED (" + run.failed() + ")";
    }

    private static Map<String, Object> lastRun(DrillRuns.Run run) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("started_at", run.startedAt().toString());
      m.put("duration_ms", run.duration().toMillis());
      m.put("passed", run.passed());
      m.put("failed", run.failed());
      return m;
    }

    /** The daemon's scheduled runs in the home's state, none when there is no home yet. */
    private static Map<String, DrillRuns.Run> lastRuns(NxsHome home) {
      if (!home.exists()) {
        return Map.of();
      }
      return DrillRuns.migrated(StateStore.open(home.stateDb())).last();
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Run one drill, or all of them, and print the report.")
  static final class Run implements Callable<Integer> {

    @Spec CommandSpec spec;

    static final class Which {
      @Parameters(paramLabel = "NAME", description = "a drill from 'nxs drill list'")
      String name;

      @Option(names = "--all", description = "every drill, one after the other")
      boolean all;
    }

    @ArgGroup(multiplicity = "1")
    Which which;

    @Option(
        names = "--report-dir",
        paramLabel = "DIR",
        description = "also write each report there as NAME-TIME.json and NAME-TIME.txt")
    Path reportDir;

    @Override
    public Integer call() {
      List<String> names = which.all ? List.copyOf(DRILLS.keySet()) : List.of(which.name);
      for (String name : names) {
        if (!DRILLS.containsKey(name)) {
          throw new UsageException(
              "no drill '" + name + "': the drills are " + String.join(", ", DRILLS.keySet()));
        }
      }
      Clock clock = Commands.clock(spec);
      List<DrillReport> reports = new ArrayList<>();
      for (String name : names) {
        DrillReport report = DRILLS.get(name).run(thisBuild(), NxsHome.defaultConfig(), clock);
        reports.add(report);
        record(report, clock);
        if (reportDir != null) {
          write(report);
        }
        if (!Commands.global(spec).json()) {
          Commands.out(spec).print(report.toText());
          Commands.out(spec).flush();
        }
      }
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, reports.stream().map(DrillCommand::json).toList());
      }
      return reports.stream().allMatch(DrillReport::passed) ? ExitCode.OK : ExitCode.PROBLEM;
    }

    /**
     * Records the run in the home's {@code drill_runs} and audits it, as the schedule does, with
     * who ran it; a home that does not exist yet is not created for it.
     */
    private void record(DrillReport report, Clock clock) {
      GlobalOptions global = Commands.global(spec);
      if (!global.home().exists()) {
        return;
      }
      try (OfflineHome home = OfflineHome.open(global, clock)) {
        DrillRuns.migrated(home.store)
            .recordAudited(
                report,
                home.audit,
                "cli",
                Map.of("run_by", System.getProperty("user.name", "unknown")));
      }
    }

    private void write(DrillReport report) {
      String stem = report.drill() + "-" + report.startedAt().toString().replace(':', '-');
      try {
        Files.createDirectories(reportDir);
        Files.writeString(
            reportDir.resolve(stem + ".json"),
            Json.writePretty(json(report)) + "\n",
            StandardCharsets.UTF_8);
        Files.writeString(
            reportDir.resolve(stem + ".txt"), report.toText(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the drill report to " + reportDir, e);
      }
    }
  }

  private static Map<String, Object> json(DrillReport report) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("drill", report.drill());
    json.put("passed", report.passed());
    json.put("started_at", report.startedAt().toString());
    json.put("duration_ms", report.duration().toMillis());
    json.put(
        "checks",
        report.checks().stream()
            .map(
                c -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("name", c.name());
                  m.put("passed", c.passed());
                  m.put("detail", c.detail());
                  return m;
                })
            .toList());
    return json;
  }

  /** The command that runs this very build's CLI. */
  static List<String> thisBuild() {
    return ThisBuild.command();
  }
}
