package io.nxs.rollout.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code partition} drill (SPEC RO5, GW12, SY4): a scratch instance whose remote provider (a
 * {@link DrillUpstream} on loopback, named by a host name) goes off the network — its connections
 * refused — while a local provider stays, and whose workspace sync remote ({@link DrillSync}, a
 * bare repository in the scratch directory) becomes unreachable at the same time. The gateway must
 * enter air-gapped mode (local models only, seen by its probes); local work must go on (model
 * requests answered locally, state written, audited); a file the agent writes meanwhile must stay
 * in the workspace, pending, while sync reports the remote unreachable. When both are reachable
 * again the probes must end air-gapped mode and the remote provider must answer, and the next sync
 * must put the file on the remote. Then the daemon stops cleanly and the audit chain, holding both
 * transitions, verifies.
 */
public final class PartitionDrill {

  /** The drill's name. */
  public static final String NAME = "partition";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "the remote provider and the sync remote become unreachable: air-gapped mode, local"
              + " work goes on (model requests, state, audit, workspace files kept pending), back"
              + " to the remote provider and sync resumes when they are reachable",
          PartitionDrill::steps);

  private static final String KEY = "drill-partition-key";
  private static final String AIR_GAPPED = "\"air_gapped\":true";
  private static final String CONNECTED = "\"air_gapped\":false";
  private static final String BEFORE = "MEMORY.md";
  private static final String BEFORE_TEXT = "# Memory\n\nsynced before the partition\n";
  private static final String DURING = "memory/partition.md";
  private static final String DURING_TEXT = "- written while the sync remote was unreachable\n";

  private PartitionDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    try (DrillProviders providers = new DrillProviders(KEY)) {
      providers.configure(scratch, KEY);
      DrillSync sync = new DrillSync(scratch);
      sync.configure(scratch);
      sync.write(BEFORE, BEFORE_TEXT);
      Optional<Duration> ready = scratch.startAndAwaitReady();
      checks.add(Drill.readyCheck("ready with two providers", ready, scratch));
      ScratchInstance.ApiResult before = DrillProviders.ask(scratch);
      checks.add(
          DrillProviders.answeredBy("the remote provider answers", before, DrillProviders.REMOTE));
      checks.add(syncs(scratch, sync));

      providers.remote.disconnect();
      sync.cut();
      long cut = System.nanoTime();
      ScratchInstance.ApiResult gapped =
          scratch.awaitApi("GET", "/api/v1/providers", r -> compact(r).contains(AIR_GAPPED));
      checks.add(
          new DrillReport.Check(
              "air-gapped mode",
              compact(gapped).contains(AIR_GAPPED),
              compact(gapped).contains(AIR_GAPPED)
                  ? "entered " + millisSince(cut) + " ms after the cut"
                  : "not air-gapped within 60 s of the cut"));

      ScratchInstance.ApiResult local = DrillProviders.ask(scratch);
      ScratchInstance.ApiResult state =
          scratch.api("POST", "/api/v1/keys", "{\"scope\":\"read\",\"name\":\"drill-partition\"}");
      checks.add(
          new DrillReport.Check(
              "local work goes on",
              local.status() == 200
                  && local.provider().equals(DrillProviders.LOCAL)
                  && state.status() == 201,
              "model request: "
                  + DrillProviders.answered(local)
                  + "; API key written: HTTP "
                  + state.status()));
      checks.add(heldWhileCutOff(scratch, sync));

      providers.remote.reconnect();
      sync.heal();
      long back = System.nanoTime();
      ScratchInstance.ApiResult reconnected =
          scratch.awaitApi("GET", "/api/v1/providers", r -> compact(r).contains(CONNECTED));
      ScratchInstance.ApiResult remote = DrillProviders.ask(scratch);
      checks.add(
          new DrillReport.Check(
              "back to the remote provider when reachable",
              compact(reconnected).contains(CONNECTED)
                  && remote.status() == 200
                  && remote.provider().equals(DrillProviders.REMOTE),
              (compact(reconnected).contains(CONNECTED)
                      ? "air gap ended " + millisSince(back) + " ms after the reconnection"
                      : "still air-gapped 60 s after the reconnection")
                  + "; model request: "
                  + DrillProviders.answered(remote)));
      checks.add(resumes(scratch, sync));

      ScratchInstance.ApiResult audit =
          scratch.api("GET", "/api/v1/audit?type=provider.air_gap%2A", null);
      boolean both =
          audit.body().contains("provider.air_gapped")
              && audit.body().contains("provider.air_gap_ended");
      checks.add(
          new DrillReport.Check(
              "both transitions audited",
              both,
              both
                  ? "provider.air_gapped and provider.air_gap_ended"
                  : "HTTP " + audit.status() + ": " + audit.body()));
      Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies");
    }
  }

  /** Before the cut: a run through the daemon puts the workspace's file on the remote. */
  private static DrillReport.Check syncs(ScratchInstance scratch, DrillSync sync)
      throws IOException, InterruptedException {
    JsonNode run = DrillSync.syncNow(scratch);
    boolean onRemote = sync.remoteFile(BEFORE).equals(Optional.of(BEFORE_TEXT));
    return new DrillReport.Check(
        "workspace syncs",
        run.path("ok").asBoolean(false) && onRemote,
        onRemote
            ? BEFORE + " on the remote at " + abbreviate(sync.remoteHead())
            : "the remote lacks " + BEFORE + ": " + run);
  }

  /**
   * While cut off: a file written in the workspace stays there, listed as pending; a run fails with
   * the remote unreachable and the sync's health is degraded.
   */
  private static DrillReport.Check heldWhileCutOff(ScratchInstance scratch, DrillSync sync)
      throws IOException, InterruptedException {
    sync.write(DURING, DURING_TEXT);
    JsonNode run = DrillSync.syncNow(scratch);
    JsonNode status = DrillSync.status(scratch);
    boolean failed = !run.path("ok").asBoolean(true);
    boolean degraded = status.path("health").asText().equals("degraded");
    boolean pending = false;
    for (JsonNode p : status.path("pending")) {
      pending |= p.asText().equals(DURING);
    }
    boolean kept = sync.read(DURING).equals(Optional.of(DURING_TEXT));
    return new DrillReport.Check(
        "sync held while cut off",
        failed && degraded && pending && kept,
        (failed ? "run failed: " + run.path("error").asText() : "run did not fail: " + run)
            + "; health "
            + status.path("health").asText()
            + "; "
            + DURING
            + (pending ? " pending" : " not pending")
            + (kept ? " and kept in the workspace" : " and LOST from the workspace"));
  }

  /**
   * After the heal: the next run completes, nothing is pending, the health is up and the remote's
   * head holds the file written while cut off.
   */
  private static DrillReport.Check resumes(ScratchInstance scratch, DrillSync sync)
      throws IOException, InterruptedException {
    JsonNode run = DrillSync.syncNow(scratch);
    JsonNode status = DrillSync.status(scratch);
    Optional<String> head = sync.remoteHead();
    boolean ok = run.path("ok").asBoolean(false);
    boolean up = status.path("health").asText().equals("up");
    boolean nothingPending = status.path("pending_changes").asInt(-1) == 0;
    boolean onRemote = sync.remoteFile(DURING).equals(Optional.of(DURING_TEXT));
    boolean agreed = head.isPresent() && head.get().equals(run.path("commit").asText());
    return new DrillReport.Check(
        "sync resumes",
        ok && up && nothingPending && onRemote && agreed,
        ok && onRemote && agreed
            ? DURING
                + " on the remote at "
                + abbreviate(head)
                + "; health "
                + status.path("health").asText()
                + ", "
                + status.path("pending_changes").asInt(-1)
                + " pending"
            : "run: " + run + "; remote head " + head.orElse("(none)"));
  }

  private static String abbreviate(Optional<String> commit) {
    return commit.map(c -> c.substring(0, Math.min(12, c.length()))).orElse("(no commit)");
  }

  private static String compact(ScratchInstance.ApiResult r) {
    return r.body().replace(" ", "");
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }
}
