package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.app.Daemon;
import io.nxs.core.lockdown.Lockdown;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code nxs status}: the state of the agent on one screen (SPEC UI2) — readiness and health score,
 * providers, open incidents, pending approvals and the last backup — read from the running daemon.
 * Colour only on a terminal (picocli's {@code Ansi.AUTO}, which honours {@code NO_COLOR}).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "One screen: health score, providers, open incidents, pending approvals, last backup;",
      "LOCKDOWN and SAFE MODE when they are on.",
      "Exit 0 when the daemon is ready and nothing needs attention, 1 when something does."
    })
final class StatusCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return run(Commands.global(spec), Commands.out(spec));
  }

  /**
   * The command for these options, printing to {@code out}: its exit code ({@link LightCommand}).
   */
  static int run(GlobalOptions global, PrintWriter out) {
    DaemonClient daemon = DaemonClient.connect(global);
    Status status = Status.read(daemon, global.clock.instant());
    if (global.json()) {
      Commands.printJson(out, status.json());
    } else {
      status.print(out, Ansi.AUTO);
    }
    return status.needsAttention() ? ExitCode.PROBLEM : ExitCode.OK;
  }

  /** What the daemon said, gathered once; modules this build does not run are absent. */
  record Status(
      String url,
      JsonNode readiness,
      Optional<JsonNode> health,
      Optional<JsonNode> providers,
      Optional<JsonNode> incidents,
      Optional<JsonNode> healing,
      Optional<JsonNode> backups,
      Instant now) {

    static Status read(DaemonClient daemon, Instant now) {
      // All six at once; readiness's failure first: a daemon that does not answer is one error,
      // not six, as when readiness was asked before the others (one round trip more).
      List<Optional<JsonNode>> found =
          daemon.all(
              List.of(
                  c -> Optional.of(c.probe("/readyz")),
                  c -> c.find("/api/v1/health"),
                  c -> c.find("/api/v1/providers"),
                  c -> c.find("/api/v1/incidents"),
                  c -> c.find("/api/v1/healing"),
                  c -> c.find("/api/v1/backups")));
      return new Status(
          daemon.baseUrl(),
          found.get(0).orElseThrow(),
          found.get(1),
          found.get(2),
          found.get(3),
          found.get(4),
          found.get(5),
          now);
    }

    /** Why the daemon is in safe mode, when it is. */
    Optional<String> safeMode() {
      JsonNode check = readiness.path("modules").path(Daemon.SAFE_MODE_CHECK);
      return check.isMissingNode() ? Optional.empty() : Optional.of(check.path("detail").asText());
    }

    /** What the daemon's lockdown entry says, when lockdown is on (SEC5). */
    Optional<String> lockdown() {
      String detail =
          readiness.path("modules").path(Lockdown.READINESS_NAME).path("detail").asText();
      return detail.startsWith(Lockdown.READINESS_PREFIX) ? Optional.of(detail) : Optional.empty();
    }

    boolean ready() {
      return readiness.path("ready").asBoolean(false);
    }

    List<JsonNode> providerList() {
      return items(providers, "providers");
    }

    /** Open incidents as the Doctor lists them ({@code {"incident": {...}, "tree": "..."}}). */
    List<JsonNode> openIncidents() {
      return items(incidents, "incidents").stream()
          .map(i -> i.path("incident"))
          .filter(i -> i.path("open").asBoolean())
          .toList();
    }

    List<JsonNode> pendingApprovals() {
      return items(healing, "awaiting_approval");
    }

    Optional<JsonNode> lastBackup() {
      return items(backups, "snapshots").stream()
          .max((a, b) -> a.path("created_at").asText().compareTo(b.path("created_at").asText()));
    }

    List<JsonNode> openBreakers() {
      return providerList().stream()
          .filter(p -> isOneOf(p.path("breaker").asText(), "open", "forced_open"))
          .toList();
    }

    boolean needsAttention() {
      return !ready()
          || lockdown().isPresent()
          || !openIncidents().isEmpty()
          || !pendingApprovals().isEmpty()
          || (!providerList().isEmpty() && openBreakers().size() == providerList().size());
    }

    JsonNode json() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("url", url);
      o.put("ready", ready());
      o.set("modules", readiness.path("modules"));
      safeMode().ifPresent(why -> o.put("safe_mode", why));
      lockdown().ifPresent(why -> o.put("lockdown", why));
      health.ifPresent(h -> o.set("health", h));
      providers.ifPresent(
          p -> o.set("providers", JsonNodeFactory.instance.arrayNode().addAll(providerList())));
      incidents.ifPresent(
          i ->
              o.set(
                  "open_incidents", JsonNodeFactory.instance.arrayNode().addAll(openIncidents())));
      healing.ifPresent(
          h ->
              o.set(
                  "pending_approvals",
                  JsonNodeFactory.instance.arrayNode().addAll(pendingApprovals())));
      backups.ifPresent(b -> o.set("last_backup", lastBackup().orElse(null)));
      o.put("needs_attention", needsAttention());
      return o;
    }

    void print(PrintWriter out, Ansi ansi) {
      out.println(
          ansi.string(
              "@|bold NXS|@ " + url + "  " + (ready() ? green("ready") : red("NOT READY"))));
      safeMode().ifPresent(why -> row(out, ansi, "SAFE MODE", red(why)));
      lockdown().ifPresent(why -> row(out, ansi, "LOCKDOWN", red(why)));
      if (!ready()) {
        List<String> waiting = new ArrayList<>();
        readiness
            .path("modules")
            .properties()
            .forEach(
                e -> {
                  if (!e.getValue().path("ready").asBoolean()) {
                    waiting.add(e.getKey() + " (" + e.getValue().path("detail").asText() + ")");
                  }
                });
        row(out, ansi, "Not ready", String.join(", ", waiting));
      }
      row(out, ansi, "Health", health.map(this::healthLine).orElse(dim("Doctor not running")));
      row(
          out,
          ansi,
          "Providers",
          providers.map(p -> providersLine()).orElse(dim("gateway not running")));
      row(
          out,
          ansi,
          "Incidents",
          incidents.map(i -> incidentsLine()).orElse(dim("Doctor not running")));
      row(
          out,
          ansi,
          "Approvals",
          healing.map(h -> approvalsLine()).orElse(dim("Doctor not running")));
      row(
          out,
          ansi,
          "Last backup",
          backups.map(b -> backupLine()).orElse(dim("vault not running")));
      out.flush();
    }

    private String healthLine(JsonNode h) {
      JsonNode score = h.path("score");
      if (score.isMissingNode()) {
        return dim("no score yet");
      }
      int s = (int) Math.round(score.asDouble());
      String text = s + "/100";
      return s >= 80 ? green(text) : s >= 50 ? yellow(text) : red(text);
    }

    private String providersLine() {
      List<JsonNode> all = providerList();
      if (all.isEmpty()) {
        return dim("none configured");
      }
      List<String> parts = new ArrayList<>();
      for (JsonNode p : all) {
        String state = p.path("breaker").asText("?");
        String label = p.path("name").asText() + " " + state;
        parts.add(
            isOneOf(state, "closed")
                ? green(label)
                : isOneOf(state, "half_open") ? yellow(label) : red(label));
      }
      return String.join(", ", parts);
    }

    private String incidentsLine() {
      List<JsonNode> open = openIncidents();
      if (open.isEmpty()) {
        return green("none open");
      }
      List<String> parts = new ArrayList<>();
      for (JsonNode i : open) {
        String cause = text(i, "rootCause.title", "rootCause.ruleId", "reason");
        parts.add(cause + " (confidence " + percent(i.path("confidence").asDouble()) + ")");
      }
      return red(open.size() + " open: ") + String.join("; ", parts);
    }

    private String approvalsLine() {
      List<JsonNode> pending = pendingApprovals();
      if (pending.isEmpty()) {
        return green("none pending");
      }
      List<String> parts = new ArrayList<>();
      for (JsonNode h : pending) {
        parts.add(
            text(h, "action")
                + " on "
                + text(h, "target")
                + ", level "
                + text(h, "level")
                + " — nxs doctor approve "
                + text(h, "id"));
      }
      return yellow(pending.size() + " pending: ") + String.join("; ", parts);
    }

    private String backupLine() {
      Optional<JsonNode> last = lastBackup();
      if (last.isEmpty()) {
        return red("none yet — nxs backup create");
      }
      JsonNode b = last.get();
      String age = age(b.path("created_at").asText());
      JsonNode verified = b.path("verify_ok");
      String v =
          verified.isMissingNode()
              ? yellow("not verified")
              : verified.asBoolean() ? green("verified") : red("verify FAILED");
      JsonNode health = backups.get().path("health");
      String rpo =
          health.path("status").asText().equals("UP")
              ? ""
              : "  " + red(health.path("detail").asText());
      return age + " ago, " + v + "  (" + text(b, "id") + ")" + rpo;
    }

    private String age(String iso) {
      try {
        Duration d = Duration.between(Instant.parse(iso), now);
        long m = d.toMinutes();
        return m < 60 ? m + "m" : m < 48 * 60 ? d.toHours() + "h" : d.toDays() + "d";
      } catch (DateTimeParseException expected) {
        // Not a timestamp (an older daemon's field): show it as it came.
        return iso;
      }
    }

    private static void row(PrintWriter out, Ansi ansi, String label, String value) {
      out.println(ansi.string(String.format(Locale.ROOT, "  %-12s %s", label, value)));
    }

    private static String percent(double v) {
      return Math.round(v <= 1 ? v * 100 : v) + "%";
    }

    private static String green(String s) {
      return "@|green " + escape(s) + "|@";
    }

    private static String yellow(String s) {
      return "@|yellow " + escape(s) + "|@";
    }

    private static String red(String s) {
      return "@|red,bold " + escape(s) + "|@";
    }

    private static String dim(String s) {
      return "@|faint " + escape(s) + "|@";
    }

    /** Keeps picocli's markup characters in data from being read as markup. */
    private static String escape(String s) {
      return s.replace("|@", "| @").replace("@|", "@ |");
    }

    private static List<JsonNode> items(Optional<JsonNode> body, String... fields) {
      if (body.isEmpty()) {
        return List.of();
      }
      JsonNode node = body.get();
      if (!node.isArray()) {
        for (String f : fields) {
          if (node.path(f).isArray()) {
            node = node.path(f);
            break;
          }
        }
      }
      List<JsonNode> list = new ArrayList<>();
      if (node.isArray()) {
        node.forEach(list::add);
      }
      return list;
    }

    private static JsonNode first(JsonNode node, String... paths) {
      for (String p : paths) {
        // Field by field, not through a JSON pointer (node.at): its classes are not among those
        // the light commands' start-up archive holds, and loading them opened the 114 MB jar.
        JsonNode v = node;
        for (String field : p.split("\\.")) {
          v = v.path(field);
        }
        if (!v.isMissingNode() && !v.isNull()) {
          return v;
        }
      }
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String text(JsonNode node, String... paths) {
      JsonNode v = first(node, paths);
      // isContainerNode, not isValueNode (the same answer once missing is ruled out): the latter's
      // switch is a class the light commands' start-up archive does not hold (see first).
      return v.isMissingNode() ? "?" : v.isContainerNode() ? v.toString() : v.asText();
    }

    private static boolean isOneOf(String value, String... options) {
      for (String o : options) {
        if (o.equalsIgnoreCase(value)) {
          return true;
        }
      }
      return false;
    }
  }
}
