package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.ConfigCheck;
import io.nxs.audit.AuditLog;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.core.state.CorruptStateException;
import io.nxs.core.state.StateStore;
import io.nxs.vault.Progress;
import io.nxs.vault.StateRecovery;
import io.nxs.vault.Vault;
import io.nxs.vault.VaultConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs backup create|list|verify|restore|prune|drill|export|rotate-key|recover} (SPEC
 * VA1-VA8, SEC5). With the daemon running each command goes through {@code /api/v1/backups}, so two
 * writers never race; without it, directly on the home.
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description =
        "Encrypted, verified backups: create, list, verify, restore, prune, drill, export,"
            + " rotate-key.")
final class BackupCommand extends CommandGroup {

  @Override
  List<Class<?>> subcommands() {
    return List.of(
        BackupCommand.Create.class,
        BackupCommand.ListSnapshots.class,
        BackupCommand.Verify.class,
        BackupCommand.Restore.class,
        BackupCommand.Prune.class,
        BackupCommand.Drill.class,
        BackupCommand.Export.class,
        BackupCommand.RotateKey.class,
        BackupCommand.Recover.class);
  }

  /**
   * Runs through the daemon when it answers, else on the home directly; returns JSON either way.
   */
  static JsonNode either(
      CommandSpec spec, Function<DaemonClient, JsonNode> remote, Function<Vault, Object> offline) {
    return either(Commands.global(spec), spec.commandLine().getErr(), remote, offline);
  }

  /** {@link #either(CommandSpec, Function, Function)} with its options and error writer given. */
  static JsonNode either(
      GlobalOptions global,
      PrintWriter err,
      Function<DaemonClient, JsonNode> remote,
      Function<Vault, Object> offline) {
    // No key at all means the daemon never ran on this home (its first start writes admin.key).
    if (Files.exists(global.home().adminKey()) || global.env.containsKey("NXS_API_KEY")) {
      try {
        return remote.apply(DaemonClient.connect(global));
      } catch (DaemonUnreachableException expected) {
        // Not running: work on the home directly below.
      }
    }
    NxsConfig loaded = ConfigCheck.check(global.home().config(), global.env);
    VaultConfig config = loaded.section(VaultConfig.SECTION);
    config.deprecations().forEach(err::println);
    try (OfflineHome home = OfflineHome.open(global, global.clock)) {
      Vault vault =
          Vault.open(
                  home.home.dir(),
                  config,
                  OpenClaw.of(loaded.section(OpenClawConfig.SECTION), global.env).layout(),
                  home.store,
                  home.audit,
                  global.clock,
                  List::of)
              .by("cli");
      try {
        return Json.mapper().valueToTree(offline.apply(vault));
      } finally {
        vault.close();
      }
    }
  }

  /** Whether a daemon answers on the home's address (any answer, even an error, counts). */
  static boolean daemonAnswers(GlobalOptions global) {
    try {
      DaemonClient.connect(global).get("/healthz");
      return true;
    } catch (DaemonUnreachableException | UsageException expected) {
      // Nothing listens there (or no home/key to ask with): no daemon.
      return false;
    } catch (NxsException expected) {
      // An error answer is still an answer: a daemon is there.
      return true;
    }
  }

  static Progress progress(CommandSpec spec) {
    return progress(Commands.global(spec));
  }

  /** A bar on a terminal, nothing for JSON or a pipe. */
  static Progress progress(GlobalOptions global) {
    return global.json() || System.console() == null ? Progress.NONE : new BarProgress();
  }

  static void print(CommandSpec spec, JsonNode result, Function<JsonNode, String> text) {
    print(Commands.global(spec), Commands.out(spec), result, text);
  }

  static void print(
      GlobalOptions global, PrintWriter out, JsonNode result, Function<JsonNode, String> text) {
    if (global.json()) {
      Commands.printJson(out, result);
    } else {
      out.println(text.apply(result));
    }
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Back up now.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r =
          either(spec, c -> c.post("/api/v1/backups", null), v -> v.create(progress(spec)));
      print(
          spec,
          r,
          n -> {
            JsonNode s = n.path("snapshot");
            StringBuilder b =
                new StringBuilder(
                    "snapshot "
                        + s.path("id").asText()
                        + ": "
                        + s.path("files").asLong()
                        + " files, "
                        + size(s.path("bytes").asLong())
                        + ", "
                        + size(s.path("added_bytes").asLong())
                        + " new, "
                        + n.path("millis").asLong()
                        + " ms");
            n.path("failed_targets")
                .fields()
                .forEachRemaining(
                    f ->
                        b.append("\nFAILED target ")
                            .append(f.getKey())
                            .append(": ")
                            .append(f.getValue().asText()));
            n.path("memory_losses")
                .forEach(
                    l ->
                        b.append("\nWARNING memory file ")
                            .append(l.path("path").asText())
                            .append(" shrank from ")
                            .append(l.path("previous_size").asLong())
                            .append(" to ")
                            .append(l.path("size").asLong())
                            .append(" bytes"));
            return b.toString();
          });
      return r.path("failed_targets").isEmpty() ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the snapshots.")
  static final class ListSnapshots implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return run(Commands.global(spec), Commands.out(spec), spec.commandLine().getErr());
    }

    /**
     * The command for these options, printing to {@code out} (and a config's deprecations to {@code
     * err}): its exit code ({@link LightCommand}).
     */
    static int run(GlobalOptions global, PrintWriter out, PrintWriter err) {
      JsonNode r =
          either(global, err, c -> c.get("/api/v1/backups").path("snapshots"), Vault::list);
      print(
          global,
          out,
          r,
          n -> {
            StringBuilder b =
                new StringBuilder(
                    String.format(
                        Locale.ROOT,
                        "%-28s %-22s %7s %10s %-9s%n",
                        "ID",
                        "CREATED",
                        "FILES",
                        "SIZE",
                        "VERIFIED"));
            n.forEach(
                s ->
                    b.append(
                        String.format(
                            Locale.ROOT,
                            "%-28s %-22s %7d %10s %-9s%n",
                            s.path("id").asText(),
                            s.path("created_at").asText().replaceAll("\\.\\d+Z$", "Z"),
                            s.path("files").asLong(),
                            size(s.path("bytes").asLong()),
                            !s.hasNonNull("verify_ok")
                                ? "never"
                                : s.path("verify_ok").asBoolean() ? "ok" : "FAILED")));
            if (n.isEmpty()) {
              b.append("no snapshots yet: run 'nxs backup create'");
            }
            return b.toString().stripTrailing();
          });
      return ExitCode.OK;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check that every blob exists with its size; --deep re-reads and decrypts all.",
        "Exit 1 naming each damaged file."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "ID",
        description = "a snapshot id, 'latest' or 'all' (default)")
    String id = "all";

    @Option(names = "--deep", description = "re-read and decrypt every blob, not today's sample")
    boolean deep;

    @Override
    public Integer call() {
      JsonNode r =
          either(
              spec,
              c -> c.post("/api/v1/backups/" + id + "/verify", Map.of("deep", deep)),
              v -> v.verify(id, deep, progress(spec)));
      print(
          spec,
          r,
          n -> {
            StringBuilder b = new StringBuilder();
            n.path("problems")
                .forEach(
                    p ->
                        b.append("DAMAGED snapshot ")
                            .append(p.path("snapshot").asText())
                            .append(
                                p.hasNonNull("path")
                                    ? " file " + p.path("path").asText()
                                    : " manifest")
                            .append(": ")
                            .append(p.path("finding").asText())
                            .append(" (")
                            .append(p.path("object").asText())
                            .append(" at ")
                            .append(p.path("target").asText())
                            .append(")\n"));
            n.path("repaired")
                .forEach(
                    p ->
                        b.append("repaired ")
                            .append(p.path("path").asText("manifest"))
                            .append(" from another target\n"));
            b.append(n.path("ok").asBoolean() ? "ok   " : "FAIL ")
                .append(n.path("snapshots").asInt())
                .append(" snapshots, ")
                .append(n.path("blobs").asLong())
                .append(" blobs, ")
                .append(n.path("blobs_read").asLong())
                .append(" re-read")
                .append(n.path("deep").asBoolean() ? " (deep)" : " (sample)");
            return b.toString();
          });
      return r.path("ok").asBoolean() ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }

  @Command(
      name = "restore",
      mixinStandardHelpOptions = true,
      description = {
        "Restore a snapshot (or one file) into a new or empty directory.",
        "Never over the NXS home: to repair state.db use 'nxs backup recover'."
      })
  static final class Restore implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "a snapshot id or 'latest'")
    String id;

    @Option(
        names = "--to",
        paramLabel = "DIR",
        description = "where to restore (default: ./nxs-restore-ID)")
    Path to;

    @Option(
        names = "--file",
        paramLabel = "PATH",
        description = "one file or directory of the snapshot, e.g. files/agent/MEMORY.md")
    String file;

    @Override
    public Integer call() {
      return run(
          Commands.global(spec), id, to, file, Commands.out(spec), spec.commandLine().getErr());
    }

    /**
     * The command for these options, printing to {@code out} (and a config's deprecations to {@code
     * err}): its exit code ({@link LightCommand}).
     */
    static int run(
        GlobalOptions global, String id, Path to, String file, PrintWriter out, PrintWriter err) {
      Path dest = (to == null ? Path.of("nxs-restore-" + id) : to).toAbsolutePath().normalize();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("to", dest.toString());
      if (file != null) {
        body.put("file", file);
      }
      JsonNode r =
          either(
              global,
              err,
              c -> c.post("/api/v1/backups/" + id + "/restore", body),
              v -> v.restore(id, dest, file, progress(global)));
      print(
          global,
          out,
          r,
          n ->
              "restored "
                  + n.path("files").asLong()
                  + " files ("
                  + size(n.path("bytes").asLong())
                  + ") of snapshot "
                  + n.path("snapshot").asText()
                  + " into "
                  + n.path("to").asText()
                  + ", each checked against its SHA-256");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description = "Remove snapshots outside the retention policy and blobs no snapshot uses.")
  static final class Prune implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dry-run", description = "only say what would go")
    boolean dryRun;

    @Override
    public Integer call() {
      JsonNode r =
          either(
              spec,
              c -> c.post("/api/v1/backups/prune", Map.of("dry_run", dryRun)),
              v -> v.prune(dryRun));
      print(
          spec,
          r,
          n ->
              (dryRun ? "would remove " : "removed ")
                  + n.path("removed").size()
                  + " snapshots and "
                  + n.path("blobs_removed").asLong()
                  + " blobs ("
                  + size(n.path("bytes_freed").asLong())
                  + "); kept "
                  + n.path("kept").size());
      return ExitCode.OK;
    }
  }

  @Command(
      name = "drill",
      mixinStandardHelpOptions = true,
      description =
          "Restore the newest snapshot into a scratch directory, check it, measure the RTO.")
  static final class Drill implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode r =
          either(spec, c -> c.post("/api/v1/backups/drill", null), v -> v.drill(progress(spec)));
      print(
          spec,
          r,
          n -> {
            StringBuilder b = new StringBuilder();
            n.path("findings").forEach(f -> b.append("FAILED ").append(f.asText()).append('\n'));
            b.append(n.path("ok").asBoolean() ? "ok   " : "FAIL ")
                .append("drill of snapshot ")
                .append(n.path("snapshot").asText())
                .append(": RTO ")
                .append(n.path("rto_millis").asLong())
                .append(" ms (target ")
                .append(n.path("rto_target_millis").asLong() / 60_000)
                .append(" min), ")
                .append(n.path("files").asLong())
                .append(" files, ")
                .append(n.path("databases").asInt())
                .append(" databases checked");
            return b.toString();
          });
      return r.path("ok").asBoolean() ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write the repository (encrypted) into one tar file for offline keeping.")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the tar file to write")
    Path file;

    @Override
    public Integer call() {
      Path out = file.toAbsolutePath().normalize();
      JsonNode r =
          either(
              spec,
              c -> c.post("/api/v1/backups/export", Map.of("file", out.toString())),
              v -> v.export(out));
      print(
          spec,
          r,
          n ->
              "exported "
                  + n.path("snapshots").asLong()
                  + " snapshots ("
                  + n.path("objects").asLong()
                  + " objects, "
                  + size(n.path("bytes").asLong())
                  + ") to "
                  + n.path("file").asText()
                  + "; keep the vault key (keys/vault.key, or the passphrase) apart from it");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      description = {
        "Rotate the vault key: every target's key ring is re-wrapped under a new keys/vault.key;",
        "older snapshots stay readable. Run it again if it was interrupted."
      })
  static final class RotateKey implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "why the key changes (recorded in the audit log)")
    String reason;

    @Option(
        names = "--new-data-key",
        description =
            "also seal new snapshots under a new data key (after a compromise; no"
                + " deduplication with older snapshots)")
    boolean newDataKey;

    @Override
    public Integer call() {
      JsonNode r =
          either(
              spec,
              c ->
                  c.post(
                      "/api/v1/backups/rotate-key",
                      Map.of("reason", reason, "new_data_key", newDataKey)),
              v -> v.rotateKey(reason, newDataKey));
      print(
          spec,
          r,
          n ->
              (n.path("resumed").asBoolean() ? "finished the interrupted rotation: " : "rotated: ")
                  + "key ring generation "
                  + n.path("generation").asInt()
                  + " on "
                  + n.path("targets").size()
                  + " targets, new snapshots under data key "
                  + n.path("data_key").asInt()
                  + (n.path("new_data_key").asBoolean() ? " (new)" : "")
                  + (n.path("key_file").isTextual()
                      ? "; copy the new "
                          + n.path("key_file").asText()
                          + " to where you keep it apart from the backups; the old one no longer"
                          + " opens the key ring"
                      : ""));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "recover",
      mixinStandardHelpOptions = true,
      description = {
        "Repair a corrupt state.db (VA8): move it aside and restore the newest good",
        "snapshot's copy. NXS must be stopped. Changes after that snapshot are lost."
      })
  static final class Recover implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--force",
        description = "recover even though state.db passes its integrity check")
    boolean force;

    @Override
    public Integer call() {
      GlobalOptions global = Commands.global(spec);
      if (daemonAnswers(global)) {
        throw new UsageException(
            "NXS is running: stop it first (under a running daemon, approve"
                + " the level-6 healing action 'vault.restore_from_backup' instead)");
      }
      Path stateDb = global.home().stateDb();
      if (!force) {
        try {
          StateStore.open(stateDb);
          throw new UsageException(
              stateDb
                  + " passes its integrity check: nothing to recover"
                  + " (--force rolls it back to the newest snapshot anyway)");
        } catch (CorruptStateException expected) {
          // Corrupt, as the user said: go on.
        }
      }
      VaultConfig config =
          ConfigCheck.check(global.home().config(), global.env).section(VaultConfig.SECTION);
      StateRecovery.Recovered r =
          new StateRecovery(global.home().dir(), config, Commands.clock(spec))
              .recover(stateDb, progress(spec));
      StateStore store = StateStore.open(stateDb);
      store.migrate("core");
      try (AuditLog audit = AuditLog.open(store, global.home().keys(), Commands.clock(spec))) {
        audit.append(
            new AuditEvent(
                "backup.recover",
                Severity.HIGH,
                "cli",
                r.snapshot(),
                Map.of(
                    "moved_aside",
                    r.movedAside().toString(),
                    "snapshot_time",
                    r.snapshotTime().toString(),
                    "skipped",
                    r.skipped())));
      }
      JsonNode node = Json.mapper().valueToTree(r);
      print(
          spec,
          node,
          n -> {
            return "recovered state.db from snapshot "
                + r.snapshot()
                + " (taken "
                + r.snapshotTime()
                + "): changes after that are lost; the corrupt file is kept at "
                + r.movedAside()
                + (r.skipped().isEmpty() ? "" : "\nskipped damaged snapshots: " + r.skipped());
          });
      return ExitCode.OK;
    }
  }
}
