package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs rollout start ARCHIVE|status|abort|history}: a staged rollout of a signed release over
 * the fleet (the cluster's members), through the running daemon (SPEC RO4).
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Roll a signed release out over the fleet: canary, 25 %%, 75 %%, 100 %% (needs the daemon).",
    subcommands = {
      RolloutCommand.Start.class,
      RolloutCommand.Status.class,
      RolloutCommand.Abort.class,
      RolloutCommand.History.class
    })
final class RolloutCommand extends CommandGroup {

  static final String PATH = "/api/v1/rollouts";

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Verify ARCHIVE (release.public_key, a version above every instance's and every",
        "rolled-back one) and start rolling it out: one canary, then 25 %%, 75 %%, 100 %% with the",
        "agent's primary last, each step watched (rollout.canary, quarter, three_quarters, full)",
        "and rolled back automatically when an instance does worse than its own baseline.",
        "ARCHIVE must be at the same path on every instance."
      })
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ARCHIVE", description = "the signed release, nxs-VERSION.tar.gz")
    Path archive;

    @Override
    public Integer call() {
      JsonNode r =
          DaemonClient.connect(Commands.global(spec))
              .post(PATH, Map.of("archive", archive.toAbsolutePath().normalize().toString()));
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, r);
        return ExitCode.OK;
      }
      PrintWriter out = Commands.out(spec);
      out.println("rollout " + r.path("id").asText() + " of " + r.path("version").asText() + ":");
      printWaves(out, r);
      out.println("follow it with: nxs rollout status");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "The rollout (its step, targets, decision) and every instance's version and figures.",
        "Exit 1 when the last rollout was rolled back."
      })
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode s = DaemonClient.connect(Commands.global(spec)).get(PATH);
      JsonNode r = s.path("rollout");
      boolean rolledBack = "ROLLED_BACK".equals(r.path("phase").asText());
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, s);
        return rolledBack ? ExitCode.PROBLEM : ExitCode.OK;
      }
      PrintWriter out = Commands.out(spec);
      out.printf(
          "node %s runs %s (kept: %s); coordinator: %s%n",
          s.path("node_id").asText(),
          s.path("installed").asText("").isEmpty()
              ? "no installed release"
              : s.path("installed").asText(),
          s.path("previous").asText("").isEmpty() ? "none" : s.path("previous").asText(),
          s.path("coordinator").asText("").isEmpty() ? "none" : s.path("coordinator").asText());
      if (r.isMissingNode() || r.isNull()) {
        out.println("no rollout yet");
        return ExitCode.OK;
      }
      describe(out, r);
      out.printf(
          "%-20s %-12s %-12s %-12s %-9s %-9s %s%n",
          "NODE", "RUNS", "KEPT", "STEP", "ERRORS", "P99", "DETAIL");
      for (JsonNode n : s.path("nodes")) {
        JsonNode now = n.path("now");
        String installed = n.path("installed").asText("");
        String running = n.path("running").asText(installed);
        String restarting =
            installed.equals(running) ? "" : "installed " + installed + ", restarting into it; ";
        out.printf(
            Locale.ROOT,
            "%-20s %-12s %-12s %-12s %-9s %-9s %s%n",
            n.path("node").asText(),
            dash(running),
            dash(n.path("previous").asText("")),
            n.path("rollout").asText("").equals(r.path("id").asText())
                ? n.path("step").asText()
                : "-",
            String.format(Locale.ROOT, "%.2f%%", now.path("error_rate").asDouble() * 100),
            String.format(Locale.ROOT, "%.0fms", now.path("p99_ms").asDouble()),
            restarting + n.path("detail").asText(""));
      }
      return rolledBack ? ExitCode.PROBLEM : ExitCode.OK;
    }
  }

  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description =
          "Roll the running rollout back: every instance it reached returns to its kept version.")
  static final class Abort implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r = DaemonClient.connect(Commands.global(spec)).post(PATH + "/abort", null);
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, r);
        return ExitCode.OK;
      }
      Commands.out(spec)
          .println("rollout " + r.path("id").asText() + ": " + r.path("decision").asText());
      return ExitCode.OK;
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "Ended rollouts, newest first, each with its decision (the incident report).")
  static final class History implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode h = DaemonClient.connect(Commands.global(spec)).get(PATH + "/history");
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, h);
        return ExitCode.OK;
      }
      PrintWriter out = Commands.out(spec);
      if (h.path("rollouts").isEmpty()) {
        out.println("no rollout has ended yet");
      }
      for (JsonNode r : h.path("rollouts")) {
        describe(out, r);
      }
      return ExitCode.OK;
    }
  }

  private static void describe(PrintWriter out, JsonNode r) {
    out.printf(
        "rollout %s of %s: %s, step %s (started %s by %s)%n",
        r.path("id").asText(),
        r.path("version").asText(),
        r.path("phase").asText(),
        r.path("waves").path(r.path("wave").asInt()).path("step").asText(),
        r.path("started_at").asText(),
        r.path("by").asText());
    if (!r.path("decision").asText("").isEmpty()) {
      out.println("  " + r.path("decision").asText());
    }
    r.path("judged")
        .properties()
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT,
                    "  %s: errors %.2f%% (baseline %.2f%%), p99 %.0f ms (%.0f), memory %.0f MiB (%.0f)%n",
                    e.getKey(),
                    e.getValue().path("now").path("error_rate").asDouble() * 100,
                    e.getValue().path("baseline").path("error_rate").asDouble() * 100,
                    e.getValue().path("now").path("p99_ms").asDouble(),
                    e.getValue().path("baseline").path("p99_ms").asDouble(),
                    e.getValue().path("now").path("memory_mb").asDouble(),
                    e.getValue().path("baseline").path("memory_mb").asDouble()));
  }

  private static void printWaves(PrintWriter out, JsonNode r) {
    for (JsonNode w : r.path("waves")) {
      StringBuilder nodes = new StringBuilder();
      w.path("nodes").forEach(n -> nodes.append(nodes.isEmpty() ? "" : ", ").append(n.asText()));
      out.println("  " + w.path("step").asText() + ": " + nodes);
    }
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
