package io.nxs.rollout.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code credential-expiry} drill (SPEC RO5, SEC5): a scratch instance whose remote provider (a
 * {@link DrillUpstream} on loopback) answers with the configured key, until that key expires and
 * the provider answers it 401. The gateway must degrade, not fail: the next request is answered by
 * the local provider. The Doctor's {@code provider-credential-failing} rule must fire. A rotation
 * to the provider's new key (the gateway's overlap rotation, {@code POST
 * /api/v1/providers/NAME/rotate}, which {@code nxs provider rotate} and a scheduled rotation use)
 * must bring the remote provider back with the new key, which never reaches the daemon's log. Then
 * the daemon stops cleanly and the audit chain verifies.
 */
public final class CredentialExpiryDrill {

  /** The drill's name. */
  public static final String NAME = "credential-expiry";

  /** The drill, with what it checks. */
  public static final Drill DRILL =
      new Drill(
          NAME,
          "a provider key starts answering 401: requests fail over, the Doctor's credential rule"
              + " fires, a rotation brings the provider back with the new key (never logged)",
          CredentialExpiryDrill::steps);

  static final String RULE = "provider-credential-failing";

  private static final String OLD_KEY = "drill-key-expiring";
  private static final String NEW_KEY = "drill-key-rotated";

  private CredentialExpiryDrill() {}

  private static void steps(ScratchInstance scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    try (DrillProviders providers = new DrillProviders(OLD_KEY)) {
      providers.configure(scratch, OLD_KEY);
      Optional<Duration> ready = scratch.startAndAwaitReady();
      checks.add(Drill.readyCheck("ready with two providers", ready, scratch));
      ScratchInstance.ApiResult before = DrillProviders.ask(scratch);
      checks.add(
          DrillProviders.answeredBy(
              "the remote provider answers with its key", before, DrillProviders.REMOTE));

      providers.remote.acceptOnly(NEW_KEY);
      ScratchInstance.ApiResult degraded = DrillProviders.ask(scratch);
      checks.add(
          DrillProviders.answeredBy(
              "key expired (401): degraded to the local provider", degraded, DrillProviders.LOCAL));
      ScratchInstance.ApiResult alerts =
          scratch.awaitApi("GET", "/api/v1/alerts", a -> a.body().contains("\"" + RULE + "\""));
      checks.add(
          new DrillReport.Check(
              "detected by the Doctor",
              alerts.body().contains("\"" + RULE + "\""),
              alerts.body().contains("\"" + RULE + "\"")
                  ? "alert " + RULE + " open"
                  : "no " + RULE + " alert within 60 s (HTTP " + alerts.status() + ")"));

      ScratchInstance.ApiResult rotated =
          scratch.api(
              "POST",
              "/api/v1/providers/" + DrillProviders.REMOTE + "/rotate",
              "{\"key\":\"" + NEW_KEY + "\",\"emergency\":false}");
      checks.add(
          new DrillReport.Check(
              "rotation triggered",
              rotated.status() == 200,
              "HTTP " + rotated.status() + ": " + rotated.body()));
      ScratchInstance.ApiResult after = DrillProviders.ask(scratch);
      checks.add(
          new DrillReport.Check(
              "the remote provider answers with the new key",
              after.status() == 200
                  && after.provider().equals(DrillProviders.REMOTE)
                  && providers.remote.saw(NEW_KEY),
              DrillProviders.answered(after)
                  + (providers.remote.saw(NEW_KEY) ? ", new key used" : ", new key never sent")));
      Drill.stopsCleanlyAndVerifies(scratch, checks, "audit chain verifies");
      String log = scratch.log();
      checks.add(
          new DrillReport.Check(
              "no key in the daemon's log",
              !log.contains(OLD_KEY) && !log.contains(NEW_KEY),
              log.contains(NEW_KEY) || log.contains(OLD_KEY)
                  ? "a provider key is in the serve log"
                  : "neither key in " + log.lines().count() + " log lines"));
    }
  }
}
