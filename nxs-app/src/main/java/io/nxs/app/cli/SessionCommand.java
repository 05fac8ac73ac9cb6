package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.ConfigCheck;
import io.nxs.core.Json;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.session.SessionConfig;
import io.nxs.session.Sessions;
import io.nxs.session.migrate.Migrations;
import io.nxs.session.store.OpenClawTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs session list|export|import|migrate|migrations|unfence} (SPEC SE1-SE4). With the daemon
 * running each goes through {@code /api/v1/sessions} and {@code /api/v1/migrations}; list, export,
 * import and unfence also work on the home directly. A migration always runs in the daemon (it
 * outlives the command, resumes after a restart); the command watches it with a progress bar.
 */
@Command(
    name = "session",
    mixinStandardHelpOptions = true,
    description = "OpenClaw's sessions: list by zone, export, import, migrate to another NXS.",
    subcommands = {
      SessionCommand.ListSessions.class,
      SessionCommand.Export.class,
      SessionCommand.Import.class,
      SessionCommand.Migrate.class,
      SessionCommand.MigrationsList.class,
      SessionCommand.Unfence.class
    })
final class SessionCommand extends CommandGroup {

  /** The home's session operations without the daemon. */
  private record Offline(
      OfflineHome home, Sessions sessions, Migrations migrations, OpenClawTools tools)
      implements AutoCloseable {
    @Override
    public void close() {
      home.close();
    }
  }

  private static Offline offline(CommandSpec spec) {
    GlobalOptions global = Commands.global(spec);
    NxsConfig config = ConfigCheck.check(global.home().config(), global.env);
    SessionConfig session = config.section(SessionConfig.SECTION);
    Clock clock = Commands.clock(spec);
    OfflineHome home = OfflineHome.open(global, clock);
    home.store.migrate("session");
    OpenClawTools tools = new OpenClawTools(OpenClaw.from(config), session.commandTimeout());
    Path staging = home.home.dir().resolve(session.staging());
    Sessions sessions = new Sessions(tools, session, staging, home.audit, clock);
    Migrations migrations =
        new Migrations(
            home.store,
            session,
            tools,
            staging,
            clock,
            home.audit,
            new EventBus(),
            new Extensions(),
            "cli");
    return new Offline(home, sessions, migrations, tools);
  }

  /** Through the daemon when it answers, else on the home directly. */
  static JsonNode either(
      CommandSpec spec, Function<DaemonClient, JsonNode> remote, Function<Offline, Object> local) {
    GlobalOptions global = Commands.global(spec);
    if (Files.exists(global.home().adminKey()) || global.env.containsKey("NXS_API_KEY")) {
      try {
        return remote.apply(DaemonClient.connect(global));
      } catch (DaemonUnreachableException expected) {
        // Not running: work on the home directly below.
      }
    }
    try (Offline o = offline(spec)) {
      return Json.mapper().valueToTree(local.apply(o));
    }
  }

  static void print(CommandSpec spec, JsonNode result, Function<JsonNode, String> text) {
    BackupCommand.print(spec, result, text);
  }

  static Path absolute(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Per agent: sessions, messages and bytes in each zone (HOT, WARM, COLD, FROZEN).")
  static final class ListSessions implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--agent", paramLabel = "ID", description = "one agent (default: all)")
    String agent;

    @Override
    public Integer call() {
      JsonNode r =
          either(
              spec,
              c -> c.get("/api/v1/sessions" + (agent == null ? "" : "?agent=" + agent)),
              o -> Map.of("agents", o.sessions().list(agent)));
      print(spec, r, SessionCommand::listing);
      return ExitCode.OK;
    }
  }

  static String listing(JsonNode r) {
    StringBuilder b = new StringBuilder();
    for (JsonNode a : r.path("agents")) {
      b.append("agent ")
          .append(a.path("agent").asText())
          .append(" (")
          .append(a.path("format").asText())
          .append(a.path("schema").asInt() > 0 ? ", schema " + a.path("schema").asInt() : "")
          .append(
              a.path("written_by").asText().isEmpty()
                  ? ""
                  : ", OpenClaw " + a.path("written_by").asText())
          .append(")\n");
      b.append(String.format("  %-7s %9s %11s %11s%n", "ZONE", "SESSIONS", "MESSAGES", "BYTES"));
      long sessions = 0;
      long messages = 0;
      long bytes = 0;
      for (String zone : new String[] {"HOT", "WARM", "COLD", "FROZEN"}) {
        JsonNode z = a.path("zones").path(zone);
        sessions += z.path("sessions").asLong();
        messages += z.path("messages").asLong();
        bytes += z.path("bytes").asLong();
        b.append(
            String.format(
                "  %-7s %9d %11d %11s%n",
                zone.toLowerCase(java.util.Locale.ROOT),
                z.path("sessions").asLong(),
                z.path("messages").asLong(),
                BackupCommand.size(z.path("bytes").asLong())));
      }
      b.append(
          String.format(
              "  %-7s %9d %11d %11s%n", "total", sessions, messages, BackupCommand.size(bytes)));
    }
    if (r.path("agents").isEmpty()) {
      b.append("no OpenClaw sessions yet\n");
    }
    if (r.hasNonNull("fenced")) {
      b.append("FENCED: handed to ")
          .append(r.path("fenced").path("peer").asText())
          .append(" by migration ")
          .append(r.path("fenced").path("migration_id").asText())
          .append("; `nxs session unfence` takes the agent back\n");
    }
    return b.toString().stripTrailing();
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write the agents' sessions into one file: OpenClaw's own snapshots, checksummed chunks.",
        "With --key-file the file is sealed (AES-256-GCM) with the key or passphrase in it."
      })
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the file to write")
    Path file;

    @Option(names = "--agent", paramLabel = "ID", description = "one agent (default: all)")
    String agent;

    @Option(
        names = "--key-file",
        paramLabel = "FILE",
        description = "seal with this key/passphrase")
    Path keyFile;

    @Override
    public Integer call() {
      Path out = absolute(file);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("file", out.toString());
      body.put("agent", agent);
      body.put("key_file", keyFile == null ? null : absolute(keyFile).toString());
      JsonNode r =
          either(
              spec,
              c -> c.post("/api/v1/sessions/export", body),
              o -> o.sessions().export(out, agent, absolute(keyFile)));
      print(
          spec,
          r,
          n ->
              "exported "
                  + n.path("sessions").asInt()
                  + " sessions, "
                  + n.path("messages").asLong()
                  + " messages of "
                  + n.path("agents")
                  + " into "
                  + n.path("file").asText()
                  + " ("
                  + BackupCommand.size(n.path("bytes").asLong())
                  + (n.path("encrypted").asBoolean() ? ", encrypted" : "")
                  + ", "
                  + n.path("millis").asLong()
                  + " ms)");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Put an export's agents into this OpenClaw through `openclaw backup sqlite restore`,",
        "then prove every session, message count and hash with OpenClaw's own tools."
      })
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "an export written by nxs session export")
    Path file;

    @Option(names = "--key-file", paramLabel = "FILE", description = "the key of a sealed export")
    Path keyFile;

    @Override
    public Integer call() {
      Path in = absolute(file);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("file", in.toString());
      body.put("key_file", keyFile == null ? null : absolute(keyFile).toString());
      JsonNode r =
          either(
              spec,
              c -> c.post("/api/v1/sessions/import", body),
              o ->
                  o.sessions()
                      .importFile(
                          in,
                          absolute(keyFile),
                          Sessions.GatewayControl.refuseWhileRunning(
                              o.tools().port().healthUrl())));
      print(
          spec,
          r,
          n -> {
            StringBuilder b = new StringBuilder();
            n.path("agents")
                .forEach(
                    a ->
                        b.append("imported agent ")
                            .append(a.path("agent").asText())
                            .append(": ")
                            .append(a.path("sessions").asInt())
                            .append(" sessions, ")
                            .append(a.path("messages").asLong())
                            .append(" messages; OpenClaw lists ")
                            .append(a.path("listed_by_openclaw").asInt())
                            .append(", every count and hash matches\n"));
            return b.toString().stripTrailing();
          });
      return ExitCode.OK;
    }
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {
        "Move the agents' sessions live to another NXS (its daemon must run) and hand the agent",
        "over: this instance then refuses to run it as primary until `nxs session unfence`.",
        "The migration runs in this daemon; the command shows its progress and waits for it."
      })
  static final class Migrate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--to", paramLabel = "URL", description = "the target NXS, e.g. http://b:8787")
    String to;

    @Option(
        names = "--key-file",
        paramLabel = "FILE",
        description = "a file holding an admin API key of the target")
    Path keyFile;

    @Option(names = "--agent", paramLabel = "ID", description = "one agent (default: all)")
    String agent;

    @Option(names = "--resume", paramLabel = "ID", description = "continue a stopped migration")
    String resume;

    @Option(names = "--no-wait", description = "start it and return")
    boolean noWait;

    @Override
    public Integer call() {
      DaemonClient client = DaemonClient.connect(Commands.global(spec));
      JsonNode started;
      if (resume != null) {
        started = client.post("/api/v1/migrations/" + resume + "/resume", null);
      } else {
        if (to == null || keyFile == null) {
          throw new UsageException("give --to URL and --key-file FILE (or --resume ID)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        body.put("key_file", absolute(keyFile).toString());
        body.put("agent", agent);
        started = client.post("/api/v1/migrations", body);
      }
      String id = started.path("id").asText();
      if (noWait) {
        print(spec, started, n -> "migration " + id + " started");
        return ExitCode.OK;
      }
      JsonNode last = watch(spec, client, id);
      print(spec, last, SessionCommand::summary);
      return "ACTIVE".equals(last.path("state").asText()) ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }

  /** Follows a migration until it ends: a progress bar (with ETA) on a terminal, else quiet. */
  static JsonNode watch(CommandSpec spec, DaemonClient client, String id) {
    boolean bar = !Commands.global(spec).json() && System.console() != null;
    ProgressBar progress = null;
    String phase = "";
    try {
      while (true) {
        JsonNode m = client.get("/api/v1/migrations/" + id);
        String state = m.path("state").asText();
        if (bar) {
          String task = state + " " + m.path("phase").asText();
          if (progress == null || !task.equals(phase)) {
            if (progress != null) {
              progress.close();
            }
            phase = task;
            progress =
                new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(Math.max(1, m.path("bytes_total").asLong()))
                    .setUnit(" MiB", 1 << 20)
                    .showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
          }
          progress.maxHint(Math.max(1, m.path("bytes_total").asLong()));
          progress.stepTo(m.path("bytes_done").asLong());
        }
        if ("ACTIVE".equals(state) || "FAILED".equals(state)) {
          return m;
        }
        // The daemon does the work; this only looks at it a few times a second.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
      }
    } finally {
      if (progress != null) {
        progress.close();
      }
    }
  }

  static String summary(JsonNode m) {
    String head = "migration " + m.path("id").asText() + " to " + m.path("peer").asText() + ": ";
    if ("FAILED".equals(m.path("state").asText())) {
      return head
          + "FAILED in "
          + m.path("failed_in").asText()
          + ": "
          + m.path("reason").asText()
          + (m.path("resumable").asBoolean()
              ? "\nresume with: nxs session migrate --resume " + m.path("id").asText()
              : "");
    }
    return head
        + m.path("state").asText()
        + (m.hasNonNull("lazy")
            ? " (later, when the target has room: " + m.path("lazy").asText() + ")"
            : "");
  }

  @Command(
      name = "migrations",
      mixinStandardHelpOptions = true,
      description = "Migrations this instance took part in; with an ID, follow that one.")
  static final class MigrationsList implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "ID", description = "follow this migration")
    String id;

    @Override
    public Integer call() {
      DaemonClient client = DaemonClient.connect(Commands.global(spec));
      if (id != null) {
        JsonNode m = watch(spec, client, id);
        print(spec, m, SessionCommand::summary);
        return "ACTIVE".equals(m.path("state").asText()) ? ExitCode.OK : ExitCode.PROBLEM;
      }
      JsonNode r = client.get("/api/v1/migrations");
      print(
          spec,
          r,
          n -> {
            StringBuilder b =
                new StringBuilder(
                    String.format(
                        "%-36s %-6s %-13s %-22s %s%n", "ID", "ROLE", "STATE", "PROGRESS", "PEER"));
            n.path("migrations")
                .forEach(
                    m -> {
                      long total = m.path("bytes_total").asLong();
                      long done = m.path("bytes_done").asLong();
                      b.append(
                          String.format(
                              "%-36s %-6s %-13s %-22s %s%n",
                              m.path("id").asText(),
                              m.path("role").asText(),
                              m.path("state").asText(),
                              (total == 0 ? "-" : (100 * done / total) + "%")
                                  + " of "
                                  + BackupCommand.size(total),
                              m.path("peer").asText()));
                      if (m.hasNonNull("reason")) {
                        b.append("    ").append(m.path("reason").asText()).append('\n');
                      }
                    });
            if (n.path("migrations").isEmpty()) {
              b.append("no migrations yet\n");
            }
            if (n.hasNonNull("fenced")) {
              b.append("FENCED by migration ")
                  .append(n.path("fenced").path("migration_id").asText())
                  .append(" to ")
                  .append(n.path("fenced").path("peer").asText())
                  .append(": `nxs session unfence` takes the agent back\n");
            }
            return b.toString().stripTrailing();
          });
      return ExitCode.OK;
    }
  }

  @Command(
      name = "unfence",
      mixinStandardHelpOptions = true,
      description = {
        "Lift the fence a finished migration left: this instance may run the agent as primary again.",
        "Only when the other copy no longer accepts writes."
      })
  static final class Unfence implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r =
          either(
              spec,
              c -> c.post("/api/v1/migrations/unfence", null),
              o -> o.migrations().unfence("cli"));
      print(
          spec,
          r,
          n ->
              "unfenced: the fence of migration "
                  + n.path("migration_id").asText()
                  + " to "
                  + n.path("peer").asText()
                  + " is lifted");
      return ExitCode.OK;
    }
  }
}
