package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.log.Redaction;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs provider list|test [NAME]|rotate NAME|revoke NAME}: the gateway's upstream providers,
 * through the running daemon (SPEC GW7, GW8, SEC5).
 */
@Command(
    name = "provider",
    mixinStandardHelpOptions = true,
    description = "Upstream model providers of the gateway (needs the daemon running).")
final class ProviderCommand extends CommandGroup {

  @Override
  List<Class<?>> subcommands() {
    return List.of(
        ProviderCommand.ListProviders.class,
        ProviderCommand.Test.class,
        ProviderCommand.Rotate.class,
        ProviderCommand.Revoke.class);
  }

  private static String percent(JsonNode n) {
    return String.format(Locale.ROOT, "%.0f%%", n.asDouble() * 100);
  }

  private static String millis(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asLong() + "ms";
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Breaker state, credential state, recent latency, error rate, last failure.")
  static final class ListProviders implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return run(Commands.global(spec), Commands.out(spec));
    }

    /**
     * The command for these options, printing to {@code out}: its exit code ({@link LightCommand}).
     */
    static int run(GlobalOptions global, PrintWriter out) {
      JsonNode body = DaemonClient.connect(global).get("/api/v1/providers");
      if (!global.json()) {
        out.println(
            "mode "
                + body.path("mode").asText()
                + (body.path("air_gapped").asBoolean()
                    ? ", AIR-GAPPED (local providers only)"
                    : ""));
      }
      Table table =
          Table.of("NAME", "PRIO", "BREAKER", "KEY", "P50", "P99", "ERRORS", "LAST FAILURE");
      for (JsonNode p : body.path("providers")) {
        table.row(
            p.path("name").asText(),
            p.path("priority").asInt(),
            p.path("breaker").asText(),
            p.path("credential").path("state").asText(),
            millis(p.path("latency_ms").path("p50")),
            millis(p.path("latency_ms").path("p99")),
            percent(p.path("error_rate")),
            p.path("last_failure").isNull() ? "-" : p.path("last_failure").asText("-"));
      }
      Commands.print(global, out, body, table);
      return ExitCode.OK;
    }
  }

  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = {
        "Probe providers now with GET /v1/models (costs no tokens).",
        "Exit 1 when one fails."
      })
  static final class Test implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "one provider (default: all)")
    String name;

    @Override
    public Integer call() {
      DaemonClient client = DaemonClient.connect(Commands.global(spec));
      List<String> names = new ArrayList<>();
      if (name != null) {
        names.add(name);
      } else {
        client
            .get("/api/v1/providers")
            .path("providers")
            .forEach(p -> names.add(p.path("name").asText()));
      }
      List<JsonNode> results = new ArrayList<>();
      for (String n : names) {
        results.add(client.post("/api/v1/providers/" + n + "/test", Map.of()));
      }
      boolean allOk = results.stream().allMatch(r -> r.path("ok").asBoolean());
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, results);
      } else {
        PrintWriter out = Commands.out(spec);
        for (JsonNode r : results) {
          out.printf(
              Locale.ROOT,
              "%-4s %-18s %-12s %6sms  %s%n",
              r.path("ok").asBoolean() ? "ok" : "FAIL",
              r.path("provider").asText(),
              r.path("outcome").asText(),
              r.path("took_ms").asText(),
              r.path("model").isTextual()
                  ? "model " + r.path("model").asText()
                  : r.path("detail").asText());
        }
      }
      return allOk ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Give a provider a new API key.",
        "Default: an overlap (new key first, old key as fallback; promoted after the overlap",
        "at >= 99%% success). --emergency: switch at once and retire the old key."
      })
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the provider")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    KeySource source;

    @Option(
        names = "--emergency",
        description = "switch at once and retire the old key (audited as security.key_compromise)")
    boolean emergency;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "why, recorded in the audit entry (e.g. \"leaked in a CI log\")")
    String reason;

    static final class KeySource {
      @Option(
          names = "--key-file",
          paramLabel = "F",
          description = "read the new key from this file")
      Path file;

      @Option(
          names = "--key-env",
          paramLabel = "VAR",
          description = "read the new key from this environment variable")
      String env;
    }

    @Override
    public Integer call() {
      String key = readKey();
      Redaction.register(key);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("key", key);
      body.put("emergency", emergency);
      if (reason != null) {
        body.put("reason", reason);
      }
      JsonNode r =
          DaemonClient.connect(Commands.global(spec))
              .post("/api/v1/providers/" + name + "/rotate", body);
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, r);
      } else if (emergency) {
        Commands.out(spec).println(name + ": switched to the new key; the old key is retired");
      } else {
        Commands.out(spec)
            .println(
                name
                    + ": new key in use with the old one as fallback until "
                    + r.path("overlap_until").asText()
                    + "; promoted then if >= 99% of its calls succeed");
      }
      return ExitCode.OK;
    }

    private String readKey() {
      String key;
      if (source.file != null) {
        try {
          key = Files.readString(source.file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          throw new UsageException(
              "--key-file: cannot read " + source.file + " (" + e.getClass().getSimpleName() + ")",
              e);
        }
      } else {
        key = Commands.global(spec).env.get(source.env);
        if (key == null) {
          throw new UsageException("--key-env: the variable " + source.env + " is not set");
        }
        key = key.strip();
      }
      if (key.isEmpty()) {
        throw new UsageException("the new key is empty");
      }
      return key;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Compromise response: stop using a provider key believed stolen, at once (no overlap).",
        "NXS drops it from memory and from its secrets files and runs the provider's rotation",
        "command, if one is configured, for a new key. Only the provider can make the old key",
        "stop working: revoke it in the provider's console too.",
        "--lockdown: then enter lockdown (admin routes only for the owner key)."
      })
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the provider")
    String name;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "what happened, recorded in the audit entry (one line)")
    String reason;

    @Option(names = "--lockdown", description = "then enter lockdown; the agents keep working")
    boolean lockdown;

    @Override
    public Integer call() {
      DaemonClient daemon = DaemonClient.connect(Commands.global(spec));
      JsonNode r = daemon.post("/api/v1/providers/" + name + "/revoke", Map.of("reason", reason));
      JsonNode locked =
          lockdown
              ? daemon.post("/api/v1/lockdown", Map.of("reason", reason, "agents", false))
              : null;
      boolean replaced = r.path("replacement").asText().equals("obtained");
      if (Commands.global(spec).json()) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("revoke", r);
        if (locked != null) {
          out.put("lockdown", locked);
        }
        Commands.printJson(spec, out);
      } else {
        PrintWriter out = Commands.out(spec);
        List<String> fingerprints = new ArrayList<>();
        r.path("revoked").forEach(n -> fingerprints.add(n.asText()));
        out.println(
            name
                + ": NXS no longer uses the key (fingerprint "
                + String.join(", ", fingerprints)
                + ") and removed it from its secrets");
        out.println(
            "  revoke it in the provider's console too: only the provider can make it stop"
                + " working");
        switch (r.path("replacement").asText()) {
          case "obtained" -> out.println("  the rotation command gave a new key: in use now");
          case "failed" ->
              out.println(
                  "  the rotation command gave no key ("
                      + r.path("problem").asText()
                      + "): give one with nxs provider rotate "
                      + name
                      + " --key-file F --emergency");
          default ->
              out.println(
                  "  no rotation command is configured: give a new key with nxs provider rotate "
                      + name
                      + " --key-file F --emergency");
        }
        if (r.path("still_in_config").asBoolean()) {
          out.println(
              "  the key is also written in nxs.yaml (or the environment it reads): remove it"
                  + " there");
        }
        if (locked != null) {
          out.println(
              "LOCKDOWN on: admin routes are refused except to the owner key;"
                  + " lift it with: nxs lockdown off --reason TEXT");
        }
        out.flush();
      }
      return replaced ? ExitCode.OK : ExitCode.PROBLEM;
    }
  }
}
