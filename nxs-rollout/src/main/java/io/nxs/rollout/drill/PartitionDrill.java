package io.nxs.rollout.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code partition} drill (SPEC RO5, GW12): a scratch instance whose remote provider (a {@link
 * DrillUpstream} on loopback, named by a host name) goes off the network — its connections refused
 * — while a local provider stays. The gateway must enter air-gapped mode (local models only, seen
 * by its probes); local work must go on (model requests answered locally, state written, audited);
 * when the remote provider is reachable again the probes must end air-gapped mode and it must
 * answer again. Then the daemon stops cleanly and the audit chain, holding both transitions,
 * verifies.
 */
public final class PartitionDrill {

  /** The drill's name. */
  public static final String NAME = "partition";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "the remote provider becomes unreachable: air-gapped mode, local work goes on (model"
              + " requests, state, audit), back to the remote provider when it is reachable",
          PartitionDrill::steps);

  private static final String KEY = "drill-partition-key";
  private static final String AIR_GAPPED = "\"air_gapped\":true";
  private static final String CONNECTED = "\"air_gapped\":false";

  private PartitionDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    try (DrillProviders providers = new DrillProviders(KEY)) {
      providers.configure(scratch, KEY);
      Optional<Duration> ready = scratch.startAndAwaitReady();
      checks.add(Drill.readyCheck("ready with two providers", ready, scratch));
      ScratchInstance.ApiResult before = DrillProviders.ask(scratch);
      checks.add(
          DrillProviders.answeredBy("the remote provider answers", before, DrillProviders.REMOTE));

      providers.remote.disconnect();
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

      providers.remote.reconnect();
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

  private static String compact(ScratchInstance.ApiResult r) {
    return r.body().replace(" ", "");
  }

  private static long millisSince(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
  }
}
