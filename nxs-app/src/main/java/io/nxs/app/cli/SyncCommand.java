package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.ConfigCheck;
import io.nxs.core.Json;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.sync.SyncConfig;
import io.nxs.sync.SyncListener;
import io.nxs.sync.SyncStatus;
import io.nxs.sync.WorkspaceSync;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nxs sync status|now} (SPEC SY1-SY5). With the daemon running both go through {@code
 * /api/v1/sync}, so a run never races the daemon's; without it, directly on the home.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = "Workspace sync between instances through a git remote: status, now.",
    subcommands = {SyncCommand.Status.class, SyncCommand.Now.class})
final class SyncCommand extends CommandGroup {

  /** Runs through the daemon when it answers, else on the home directly. */
  static JsonNode either(
      CommandSpec spec,
      Function<DaemonClient, JsonNode> remote,
      Function<WorkspaceSync, Object> offline) {
    GlobalOptions global = Commands.global(spec);
    if (Files.exists(global.home().adminKey()) || global.env.containsKey("NXS_API_KEY")) {
      try {
        return remote.apply(DaemonClient.connect(global));
      } catch (DaemonUnreachableException expected) {
        // Not running: work on the home directly below.
      }
    }
    NxsConfig config = ConfigCheck.check(global.home().config(), global.env);
    SyncConfig sync = config.section(SyncConfig.SECTION);
    if (!sync.enabled()) {
      return Json.mapper().valueToTree(SyncStatus.disabled());
    }
    try (OfflineHome home = OfflineHome.open(global, Commands.clock(spec))) {
      WorkspaceSync.Settings settings =
          WorkspaceSync.Settings.of(
              home.home.dir(), sync, OpenClaw.from(config).layout().workspace(), global.env);
      WorkspaceSync ws =
          WorkspaceSync.open(
              settings, home.store, home.audit, new EventBus(), Commands.clock(spec));
      return Json.mapper().valueToTree(offline.apply(ws));
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Last sync, pending changes, conflicts and the lag.",
        "Exit 1 when the last sync failed."
      })
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode s =
          either(
              spec,
              c -> c.get("/api/v1/sync"),
              ws ->
                  ws.status(
                      ws.lastRun().map(r -> r.ok()).orElse(true)
                          ? new HealthSource.Health(HealthSource.Status.UP, "daemon not running")
                          : new HealthSource.Health(
                              HealthSource.Status.DEGRADED, ws.lastRun().get().error())));
      BackupCommand.print(spec, s, SyncCommand::statusText);
      boolean failed =
          s.path("last_run").hasNonNull("ok") && !s.path("last_run").path("ok").asBoolean();
      return failed ? ExitCode.PROBLEM : ExitCode.OK;
    }
  }

  static String statusText(JsonNode s) {
    if (!s.path("enabled").asBoolean()) {
      return s.path("health_detail").asText();
    }
    StringBuilder b = new StringBuilder();
    b.append("sync ")
        .append(s.path("node").asText())
        .append(": ")
        .append(s.path("workspace").asText())
        .append(" <-> ")
        .append(s.path("remote").asText())
        .append(", every ")
        .append(s.path("interval_seconds").asLong())
        .append(" s\n");
    b.append("health     ")
        .append(s.path("health").asText())
        .append(": ")
        .append(s.path("health_detail").asText())
        .append('\n');
    JsonNode last = s.path("last_run");
    if (last.isMissingNode() || last.isNull()) {
      b.append("last sync  never\n");
    } else {
      b.append("last sync  ")
          .append(last.path("started_at").asText())
          .append(' ')
          .append(runText(last))
          .append('\n');
    }
    b.append("lag        ")
        .append(
            s.path("lag_seconds").asLong() < 0
                ? "no sync yet"
                : s.path("lag_seconds").asLong() + " s")
        .append(", latency ")
        .append(String.format("%.1f s", s.path("latency_seconds").asDouble()))
        .append('\n');
    b.append("pending    ").append(s.path("pending_changes").asInt()).append(" changed here");
    s.path("pending").forEach(p -> b.append("\n  ").append(p.asText()));
    b.append("\nconflicts  ").append(s.path("conflicts_24h").asLong()).append(" in 24 h");
    s.path("conflicts")
        .forEach(
            c ->
                b.append("\n  ")
                    .append(c.path("at").asText())
                    .append(' ')
                    .append(c.path("path").asText())
                    .append(" [")
                    .append(c.path("kind").asText())
                    .append("] ")
                    .append(c.path("resolution").asText()));
    return b.toString();
  }

  static String runText(JsonNode r) {
    if (!r.path("ok").asBoolean()) {
      return "FAILED: " + r.path("error").asText();
    }
    return "ok in "
        + r.path("millis").asLong()
        + " ms: "
        + r.path("local_changes").asInt()
        + " changed here, "
        + r.path("remote_changes").asInt()
        + " on the remote, "
        + (r.path("pushed").asBoolean() ? "pushed, " : "")
        + r.path("applied").asInt()
        + " written here"
        + (r.path("deferred").asInt() > 0
            ? ", " + r.path("deferred").asInt() + " left for the next run (changed meanwhile)"
            : "")
        + (r.path("conflicts").isArray() && !r.path("conflicts").isEmpty()
            ? ", " + r.path("conflicts").size() + " conflicts resolved"
            : "");
  }

  @Command(
      name = "now",
      mixinStandardHelpOptions = true,
      description = {"Sync now.", "Exit 1 when the sync failed (the workspace is left as it was)."})
  static final class Now implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r =
          either(spec, c -> c.post("/api/v1/sync/now", null), ws -> ws.sync(SyncListener.NONE));
      if (r.has("enabled") && !r.path("enabled").asBoolean()) {
        throw new UsageException(r.path("health_detail").asText());
      }
      BackupCommand.print(
          spec,
          r,
          n -> {
            StringBuilder b = new StringBuilder(runText(n));
            n.path("conflicts")
                .forEach(
                    c ->
                        b.append("\nconflict ")
                            .append(c.path("path").asText())
                            .append(" [")
                            .append(c.path("kind").asText())
                            .append("] ")
                            .append(c.path("resolution").asText()));
            return b.toString();
          });
      return r.path("ok").asBoolean() ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }
}
