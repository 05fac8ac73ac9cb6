package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.ConfigCheck;
import io.nxs.app.NxsHome;
import io.nxs.doctor.DoctorRoutes;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleLoader;
import io.nxs.doctor.rule.RuleSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nxs doctor rules|incidents|approve|status}: the Doctor (SPEC DR2-DR6). */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = "The Doctor: rules, incidents, healing approvals and the health score.")
final class DoctorCommand extends CommandGroup {

  @Override
  List<Class<?>> subcommands() {
    return List.of(
        DoctorCommand.Rules.class,
        DoctorCommand.Incidents.class,
        DoctorCommand.Approve.class,
        DoctorCommand.Status.class,
        DoctorAdviceCommand.class);
  }

  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description = {
        "List the rules in force (built-in and custom from the home's rules/), offline.",
        "With --validate FILE, check one rule file: exit 1 and file:line: reason for every error."
      })
  static final class Rules implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--validate", paramLabel = "FILE", description = "a rule file to check")
    Path validate;

    @Override
    public Integer call() {
      PrintWriter out = Commands.out(spec);
      GlobalOptions global = Commands.global(spec);
      if (validate != null) {
        String text;
        try {
          text = Files.readString(validate, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          throw new UsageException("no such file: " + validate, e);
        } catch (IOException e) {
          throw new UsageException("cannot read " + validate + ": " + e.getMessage(), e);
        }
        RuleLoader.Result r = RuleLoader.parse(text, validate.toString());
        if (global.json()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("file", validate.toString());
          m.put("valid", r.rules().stream().map(Rule::id).toList());
          m.put("rejected", r.problems().stream().map(Object::toString).toList());
          Commands.printJson(spec, m);
        } else {
          r.rules().forEach(rule -> out.println("ok   " + rule.id()));
          r.problems().forEach(p -> out.println("FAIL " + p));
          long rejected = r.problems().stream().map(p -> p.ruleId()).distinct().count();
          out.println(
              r.rules().size()
                  + " valid, "
                  + rejected
                  + " rejected"
                  + (r.problems().size() > rejected
                      ? " (" + r.problems().size() + " errors)"
                      : ""));
        }
        return r.problems().isEmpty() ? ExitCode.OK : ExitCode.PROBLEM;
      }
      NxsHome home = global.home();
      List<Path> dirs = new ArrayList<>();
      dirs.add(home.dir().resolve("rules"));
      if (Files.exists(home.config())) {
        DoctorConfig config =
            ConfigCheck.check(home.config(), global.env).section(DoctorConfig.SECTION);
        if (config.rulesDir() != null) {
          dirs.add(home.dir().resolve(config.rulesDir()));
        }
      }
      RuleSet.Snapshot snap = new RuleSet(dirs).current();
      if (global.json()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rules", snap.all().stream().map(r -> DoctorRoutes.describe(r, null)).toList());
        m.put("overridden", snap.overridden());
        m.put("rejected", snap.problems().stream().map(Object::toString).toList());
        Commands.printJson(spec, m);
      } else {
        Table table = Table.of("ID", "SEVERITY", "CATEGORY", "CONDITION");
        for (Rule r : snap.all()) {
          table.row(r.id(), r.severity().label(), r.category(), r.condition().source());
        }
        table.print(out);
        snap.problems().forEach(p -> out.println("rejected: " + p));
      }
      return snap.problems().isEmpty() ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }

  @Command(
      name = "incidents",
      mixinStandardHelpOptions = true,
      description =
          "Print the newest incidents as trees: root cause, related alerts, suggested action.")
  static final class Incidents implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return run(Commands.global(spec), Commands.out(spec));
    }

    /**
     * The command for these options, printing to {@code out}: its exit code ({@link LightCommand}).
     */
    static int run(GlobalOptions global, PrintWriter out) {
      JsonNode body = DaemonClient.connect(global).get("/api/v1/incidents");
      if (global.json()) {
        Commands.printJson(out, body);
        return ExitCode.OK;
      }
      if (body.path("incidents").isEmpty()) {
        out.println("no incidents");
      }
      for (JsonNode i : body.path("incidents")) {
        out.println(i.path("tree").asText());
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approve a waiting healing action (levels 4-6) so it runs now.")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "ID",
        description = "the healing attempt, e.g. H7 (see nxs doctor status)")
    String id;

    @Override
    public Integer call() {
      if (!id.matches("[A-Za-z0-9_-]+")) {
        throw new UsageException("ID must look like H7, but was '" + id + "'");
      }
      JsonNode r =
          DaemonClient.connect(Commands.global(spec))
              .post(
                  "/api/v1/healing/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/approve",
                  null);
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, r);
      } else {
        Commands.out(spec)
            .println(
                "approved "
                    + r.path("id").asText()
                    + " ("
                    + r.path("action").asText()
                    + ", level "
                    + r.path("level").asInt()
                    + "): "
                    + r.path("state").asText().toLowerCase(Locale.ROOT)
                    + " - "
                    + r.path("detail").asText());
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "The health score, firing alerts, open incidents and actions awaiting approval.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      DaemonClient client = DaemonClient.connect(Commands.global(spec));
      JsonNode health = client.get("/api/v1/health");
      JsonNode alerts = client.get("/api/v1/alerts");
      JsonNode incidents = client.get("/api/v1/incidents");
      JsonNode healing = client.get("/api/v1/healing");
      if (Commands.global(spec).json()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("health", health);
        m.put("alerts", alerts.path("alerts"));
        m.put("open_incidents", incidents.path("open").asInt());
        m.put("awaiting_approval", healing.path("awaiting_approval"));
        Commands.printJson(spec, m);
        return ExitCode.OK;
      }
      PrintWriter out = Commands.out(spec);
      out.printf(Locale.ROOT, "health %.0f/100", health.path("score").asDouble());
      List<String> dims = new ArrayList<>();
      health
          .path("dimensions")
          .fields()
          .forEachRemaining(
              e ->
                  dims.add(
                      String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue().asDouble())));
      out.println(dims.isEmpty() ? "" : " (" + String.join(", ", dims) + ")");
      for (JsonNode e : health.path("exhaustion")) {
        out.printf(
            Locale.ROOT,
            "  %s %s full in %.1f h%n",
            e.path("resource").asText(),
            e.path("labels").path("mount").asText(""),
            e.path("hours").asDouble());
      }
      out.println(
          alerts.path("count").asInt()
              + " alerts, "
              + incidents.path("open").asInt()
              + " open incidents");
      for (JsonNode a : alerts.path("alerts")) {
        out.printf(
            Locale.ROOT,
            "  %-5s %-12s %-9s %-28s %s%n",
            a.path("id").asText(),
            a.path("state").asText().toLowerCase(Locale.ROOT),
            a.path("severity").asText().toLowerCase(Locale.ROOT),
            a.path("rule_id").asText(a.path("ruleId").asText()),
            a.path("message").asText());
      }
      for (JsonNode h : healing.path("awaiting_approval")) {
        out.printf(
            Locale.ROOT,
            "awaiting approval: %s %s (level %d) on %s: nxs doctor approve %s%n",
            h.path("id").asText(),
            h.path("action").asText(),
            h.path("level").asInt(),
            h.path("target").asText(),
            h.path("id").asText());
      }
      return ExitCode.OK;
    }
  }
}
