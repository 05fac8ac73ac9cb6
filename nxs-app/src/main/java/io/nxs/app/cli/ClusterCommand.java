package io.nxs.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nxs cluster status|conflicts|approve ID|reject ID}: the cluster as this node sees it and
 * the review queue of conflicts after a split, through the running daemon (SPEC CL1-CL6).
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Many instances as one: members, leases, conflicts (needs the daemon running).",
    subcommands = {
      ClusterCommand.Status.class,
      ClusterCommand.Conflicts.class,
      ClusterCommand.Approve.class,
      ClusterCommand.Reject.class
    })
final class ClusterCommand extends CommandGroup {

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Members (id, state, score, region), the agent lease, this node's side.",
        "Exit 1 when this node is on the minority side or was refused."
      })
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode s = DaemonClient.connect(Commands.global(spec)).get("/api/v1/cluster");
      boolean healthy =
          s.path("on_majority_side").asBoolean() && s.path("refusal").asText("").isEmpty();
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, s);
        return healthy ? ExitCode.OK : ExitCode.PROBLEM;
      }
      PrintWriter out = Commands.out(spec);
      if (!s.path("clustered").asBoolean()) {
        out.println("node " + s.path("node_id").asText() + " runs alone (cluster.enabled: false)");
        return ExitCode.OK;
      }
      out.printf(
          "node %s at %s: %s%s%n",
          s.path("node_id").asText(),
          s.path("address").asText(),
          s.path("on_majority_side").asBoolean()
              ? "majority side"
              : "MINORITY SIDE (accepts no work)",
          s.path("coordinator").asBoolean() ? ", coordinator" : "");
      if (!s.path("refusal").asText("").isEmpty()) {
        out.println("REFUSED: " + s.path("refusal").asText());
      }
      out.printf("%-20s %-9s %-6s %-12s %s%n", "NODE", "STATE", "SCORE", "REGION", "ROLES");
      for (JsonNode m : s.path("members")) {
        out.printf(
            Locale.ROOT,
            "%-20s %-9s %-6.3f %-12s %s%n",
            m.path("node_id").asText() + (m.path("self").asBoolean() ? " *" : ""),
            m.path("state").asText(),
            m.path("score").asDouble(),
            m.path("region").asText("").isEmpty() ? "-" : m.path("region").asText(),
            rolesOf(m));
      }
      JsonNode lease = s.path("lease");
      out.println(
          "agent lease: "
              + (lease.path("holder").asText("").isEmpty()
                  ? "nobody"
                  : lease.path("holder").asText())
              + " (fencing token "
              + lease.path("fencing_token").asLong()
              + ")");
      int pending = s.path("conflicts_pending").asInt();
      if (pending > 0) {
        out.println(pending + " conflict(s) wait for review: nxs cluster conflicts");
      }
      return healthy ? ExitCode.OK : ExitCode.PROBLEM;
    }

    private static String rolesOf(JsonNode m) {
      StringBuilder sb = new StringBuilder();
      m.path("roles").forEach(r -> sb.append(sb.isEmpty() ? "" : ",").append(r.asText()));
      return sb.isEmpty() ? "-" : sb.toString();
    }
  }

  @Command(
      name = "conflicts",
      mixinStandardHelpOptions = true,
      description = {
        "Conflicts after a split that are never merged automatically (identity, secrets).",
        "Secrets show as fingerprints. Exit 1 while some are pending."
      })
  static final class Conflicts implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      JsonNode body = DaemonClient.connect(Commands.global(spec)).get("/api/v1/cluster/conflicts");
      JsonNode list = body.path("conflicts");
      boolean pending = false;
      for (JsonNode c : list) {
        pending |= "pending".equals(c.path("status").asText());
      }
      if (Commands.global(spec).json()) {
        Commands.printJson(spec, body);
        return pending ? ExitCode.PROBLEM : ExitCode.OK;
      }
      PrintWriter out = Commands.out(spec);
      if (list.isEmpty()) {
        out.println("no conflicts");
        return ExitCode.OK;
      }
      for (JsonNode c : list) {
        out.printf(
            "%s  %-8s %-9s %s: kept '%s' (%s), other side wrote '%s' (%s)%s%n",
            c.path("id").asText(),
            c.path("status").asText(),
            c.path("kind").asText(),
            c.path("key").asText(),
            c.path("kept").asText(),
            c.path("kept_by").asText(),
            c.path("proposed").asText(),
            c.path("proposed_by").asText(),
            c.path("decided_by").asText("").isEmpty()
                ? ""
                : ", decided by " + c.path("decided_by").asText());
      }
      if (pending) {
        out.println(
            "settle with: nxs cluster approve ID (take the other side's) | nxs cluster reject ID");
      }
      return pending ? ExitCode.PROBLEM : ExitCode.OK;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Take the value the other side wrote for a conflict (audited).")
  static final class Approve implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "the conflict's id (nxs cluster conflicts)")
    String id;

    @Override
    public Integer call() {
      return decide(spec, id, "approve");
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Keep the value the cluster runs on for a conflict (audited).")
  static final class Reject implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "the conflict's id (nxs cluster conflicts)")
    String id;

    @Override
    public Integer call() {
      return decide(spec, id, "reject");
    }
  }

  private static int decide(CommandSpec spec, String id, String verb) {
    if (!id.matches("[0-9a-f]{1,64}")) {
      throw new UsageException(
          "a conflict id is hex, like 3fa2b01c9e (see nxs cluster conflicts), but was '"
              + id
              + "'");
    }
    JsonNode c =
        DaemonClient.connect(Commands.global(spec))
            .post("/api/v1/cluster/conflicts/" + id + "/" + verb, Map.of());
    if (Commands.global(spec).json()) {
      Commands.printJson(spec, c);
    } else {
      Commands.out(spec)
          .println("conflict " + c.path("id").asText() + " " + c.path("status").asText());
    }
    return ExitCode.OK;
  }
}
