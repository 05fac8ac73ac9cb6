package io.nxs.app.cli;

import io.nxs.app.ConfigCheck;
import io.nxs.audit.ArchiveResult;
import io.nxs.audit.AuditConfig;
import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditQuery;
import io.nxs.audit.ReportPeriod;
import io.nxs.audit.VerifyReport;
import io.nxs.core.audit.CheckpointStore;
import io.nxs.core.config.Durations;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.vault.Vault;
import io.nxs.vault.VaultConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nxs audit verify|query|report|archive|rotate-key}: the signed audit log (SPEC AU1-AU4,
 * SEC5).
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The tamper-evident audit log (works with the daemon running or stopped).",
    subcommands = {
      AuditCommand.Verify.class,
      AuditCommand.Query.class,
      AuditCommand.Report.class,
      AuditCommand.Archive.class,
      AuditCommand.RotateKey.class
    })
final class AuditCommand extends CommandGroup {

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check every signature and hash link of the live log and its archives, then compare the",
        "log against the newest signed checkpoint each backup target holds.",
        "Exit 1 and the first bad seq when an entry was edited, deleted, reordered or forged,",
        "or the log was rolled back to an earlier signed state."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      GlobalOptions global = Commands.global(spec);
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(global, clock)) {
        CheckpointStore.Found found = checkpoints(global, home, clock);
        VerifyReport report = home.audit.verify(found.newest());
        if (global.json()) {
          Commands.printJson(spec, report);
        } else {
          PrintWriter out = Commands.out(spec);
          out.println((report.ok() ? "ok   " : "FAIL ") + report.message());
          if (report.ok() && found.newest().isEmpty()) {
            out.println(
                "note no backup target holds a signed checkpoint yet: a rollback of the log to an"
                    + " earlier signed state cannot be ruled out until 'nxs backup create' has run");
          }
          found.unreadable().forEach(u -> out.println("note checkpoints unreadable at " + u));
        }
        return report.ok() ? ExitCode.OK : ExitCode.PROBLEM;
      }
    }

    /** The vault's targets, where each backup leaves the log's signed head (ADR 0150). */
    private static CheckpointStore.Found checkpoints(
        GlobalOptions global, OfflineHome home, Clock clock) {
      NxsConfig loaded = ConfigCheck.check(global.home().config(), global.env);
      Vault vault =
          Vault.open(
              home.home.dir(),
              loaded.section(VaultConfig.SECTION),
              OpenClaw.of(loaded.section(OpenClawConfig.SECTION), global.env).layout(),
              home.store,
              home.audit,
              clock,
              List::of);
      try {
        return vault.checkpoints().newest();
      } finally {
        vault.close();
      }
    }
  }

  @Command(name = "query", mixinStandardHelpOptions = true, description = "List audit entries.")
  static final class Query implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--since", description = "30m, 24h, 7d, or an ISO date/instant (default: all)")
    String since;

    @Option(names = "--type", description = "event type, '*' matches any part, e.g. 'security.*'")
    String type;

    @Option(names = "--actor", description = "exact actor, e.g. a key id or 'cli'")
    String actor;

    @Option(names = "--limit", description = "newest N entries (default 1000, at most 10000)")
    Integer limit;

    @Override
    public Integer call() {
      AuditQuery q = AuditQuery.parse(since, type, actor);
      if (limit != null) {
        q = q.withLimit(limit);
      }
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), Commands.clock(spec))) {
        List<AuditEntry> entries = home.audit.query(q);
        Table table = Table.of("SEQ", "TIME", "SEVERITY", "TYPE", "ACTOR", "TARGET");
        for (AuditEntry e : entries) {
          table.row(
              e.seq(), e.timestamp(), e.severityLabel(), e.eventType(), e.actor(), e.target());
        }
        Commands.print(spec, entries, table);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = "Summarise a period: counts by type and severity, notable events.")
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true)
    PeriodChoice period = new PeriodChoice();

    @Option(names = "--format", description = "markdown or json (default: markdown)")
    String format = "markdown";

    static final class PeriodChoice {
      @Option(names = "--daily", description = "the last day")
      boolean daily;

      @Option(names = "--weekly", description = "the last 7 days (default)")
      boolean weekly;

      @Option(names = "--monthly", description = "the last 30 days")
      boolean monthly;
    }

    @Override
    public Integer call() {
      ReportPeriod p =
          period.daily
              ? ReportPeriod.DAILY
              : period.monthly ? ReportPeriod.MONTHLY : ReportPeriod.WEEKLY;
      if (!format.equals("markdown") && !format.equals("json")) {
        throw new UsageException("--format must be markdown or json, but was '" + format + "'");
      }
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), Commands.clock(spec))) {
        Commands.out(spec).println(home.audit.report(p, format));
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "archive",
      mixinStandardHelpOptions = true,
      description = "Move entries older than the retention to a signed archive file now.")
  static final class Archive implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--retention", description = "default: audit.retention from nxs.yaml (30d)")
    String retention;

    @Override
    public Integer call() {
      GlobalOptions global = Commands.global(spec);
      Duration keep;
      try {
        keep =
            retention != null
                ? Durations.parse(retention)
                : ConfigCheck.check(global.home().config(), global.env)
                    .section(AuditConfig.SECTION)
                    .retention();
      } catch (IllegalArgumentException e) {
        throw new UsageException("--retention: " + e.getMessage());
      }
      try (OfflineHome home = OfflineHome.open(global, Commands.clock(spec))) {
        ArchiveResult result = home.audit.archive(keep);
        if (global.json()) {
          Commands.printJson(spec, result);
        } else if (result.entries() == 0) {
          Commands.out(spec).println("nothing older than " + Durations.format(keep));
        } else {
          Commands.out(spec)
              .println(
                  "archived "
                      + result.entries()
                      + " entries (seq "
                      + result.firstSeq()
                      + "-"
                      + result.lastSeq()
                      + ") to "
                      + result.file());
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      description = {
        "Replace the audit signing key: the chain records a hand-over signed by the old key,",
        "later entries are signed by the new one, and 'nxs audit verify' follows the hand-over.",
        "The old private key is deleted. A running daemon picks the new key up by itself."
      })
  static final class RotateKey implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--reason",
        required = true,
        description = "why (recorded in the audit log), e.g. 'scheduled' or 'suspected exposure'")
    String reason;

    @Override
    public Integer call() {
      if (reason.isBlank()) {
        throw new UsageException("--reason must say why the key is rotated");
      }
      GlobalOptions global = Commands.global(spec);
      try (OfflineHome home = OfflineHome.open(global, Commands.clock(spec))) {
        String before = home.audit.signingKeyId();
        String after = home.audit.rotateKey(reason, "cli");
        if (global.json()) {
          Commands.printJson(spec, java.util.Map.of("previous_key_id", before, "key_id", after));
        } else {
          Commands.out(spec).println("rotated the audit signing key " + before + " -> " + after);
        }
      }
      return ExitCode.OK;
    }
  }
}
