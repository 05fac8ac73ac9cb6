package io.nxs.app.cli;

import io.nxs.app.KeyRoutes;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nxs key create|list|revoke}: API keys, stored only as hashes (SEC2). */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Manage API keys (works with the daemon running or stopped).",
    subcommands = {KeyCommand.Create.class, KeyCommand.ListKeys.class, KeyCommand.Revoke.class})
final class KeyCommand extends CommandGroup {

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Create an API key and print it once.",
        "Admin keys expire after 7 days unless --expires says otherwise."
      })
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--scope", required = true, description = "read or admin")
    String scope;

    @Option(names = "--expires", description = "lifetime such as 12h, 30d, or 'never'")
    String expires;

    @Option(names = "--name", description = "what the key is for")
    String name;

    @Override
    public Integer call() {
      Scope s = Scope.parse(scope);
      Duration ttl;
      if (expires == null) {
        ttl = s == Scope.ADMIN ? Duration.ofDays(7) : null;
      } else if (expires.equals("never")) {
        ttl = null;
      } else {
        try {
          ttl = Durations.parse(expires);
        } catch (IllegalArgumentException e) {
          throw new UsageException("--expires: " + e.getMessage());
        }
      }
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), clock)) {
        CreatedKey created =
            home.keys(clock).create(s, name == null ? s.label() + "-key" : name, ttl, "cli");
        if (Commands.global(spec).json()) {
          Map<String, Object> body = new LinkedHashMap<>(KeyRoutes.view(created.key()));
          body.put("key", created.secret());
          Commands.printJson(spec, body);
        } else {
          PrintWriter out = Commands.out(spec);
          out.println(created.secret());
          out.println(
              "id "
                  + created.key().id()
                  + ", scope "
                  + s.label()
                  + ", expires "
                  + KeyRoutes.view(created.key()).get("expires_at")
                  + " - shown once; store it now");
        }
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), clock)) {
        ApiKeyStore keys = home.keys(clock);
        List<ApiKey> all = keys.list();
        Table table = Table.of("ID", "SCOPE", "NAME", "EXPIRES", "STATE");
        for (ApiKey k : all) {
          String state =
              k.revokedAt() != null
                  ? "revoked"
                  : !k.validAt(clock.instant()) ? "expired" : k.owner() ? "valid (owner)" : "valid";
          table.row(
              k.id(), k.scope().label(), k.name(), KeyRoutes.view(k).get("expires_at"), state);
        }
        Commands.print(spec, all.stream().map(KeyRoutes::view).toList(), table);
      }
      return ExitCode.OK;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke an API key now: NXS issued it, so every NXS process refuses it from now on.",
        "A running daemon refuses it within 2 seconds (it remembers valid keys that long);",
        "a request it already admitted runs to its end.",
        "--compromised: the key is believed stolen (needs --reason; audited as",
        "security.key_compromise). --lockdown: also enter lockdown (see nxs lockdown)."
      })
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "the key id from 'nxs key list'")
    String id;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "why, recorded in the audit entry (one line)")
    String reason;

    @Option(names = "--compromised", description = "the key is believed stolen")
    boolean compromised;

    @Option(
        names = "--lockdown",
        description =
            "also enter lockdown: admin routes only for the owner key (implies --compromised)")
    boolean lockdown;

    @Override
    public Integer call() {
      if ((compromised || lockdown) && (reason == null || reason.isBlank())) {
        throw new UsageException("--compromised and --lockdown need --reason: say what happened");
      }
      Clock clock = Commands.clock(spec);
      try (OfflineHome home = OfflineHome.open(Commands.global(spec), clock)) {
        Map<String, Object> revoked =
            KeyRoutes.revoke(
                home.keys(clock),
                home.lockdown(clock),
                id,
                reason,
                compromised || lockdown,
                lockdown,
                "cli");
        if (Commands.global(spec).json()) {
          Commands.printJson(spec, revoked);
        } else {
          PrintWriter out = Commands.out(spec);
          out.println("revoked " + revoked.get("id") + " (" + revoked.get("name") + ")");
          if (lockdown) {
            out.println(
                "LOCKDOWN on: admin routes are refused except to the owner key;"
                    + " lift it with: nxs lockdown off --reason TEXT");
          }
        }
      }
      return ExitCode.OK;
    }
  }
}
