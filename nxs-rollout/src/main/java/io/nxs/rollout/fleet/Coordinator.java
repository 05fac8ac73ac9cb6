package io.nxs.rollout.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rollout's state machine (SPEC RO4), a pure function: from the shared rollout, the instances'
 * reports, who is in the cluster and the time, the next rollout. The coordinator calls it once per
 * tick and writes back what changed; nothing else decides.
 *
 * <pre>
 * INSTALLING(step) --every instance of the step INSTALLED and running it--> WATCHING(step)
 * WATCHING(step) --watch over, more steps--> INSTALLING(step + 1)
 * WATCHING(last) --watch over--> DONE
 * INSTALLING | WATCHING --a failed install, a broken limit, an instance lost, abort--> ROLLING_BACK
 * ROLLING_BACK --every reached instance present runs its previous version--> ROLLED_BACK
 * </pre>
 */
public final class Coordinator {

  private Coordinator() {}

  /**
   * The next state of a rollout.
   *
   * @param rollout the current one
   * @param reports the latest report of each instance, by id
   * @param present the instances in the cluster now (those taking work or degraded)
   * @param now the coordinator's time
   */
  public static Rollout step(
      Rollout rollout,
      Map<String, NodeReport> reports,
      Set<String> present,
      Instant now,
      RolloutConfig config) {
    return switch (rollout.phase()) {
      case DONE, ROLLED_BACK -> rollout;
      case INSTALLING -> installing(rollout, reports, present, now, config);
      case WATCHING -> watching(rollout, reports, present, now, config);
      case ROLLING_BACK -> rollingBack(rollout, reports, present, now, config);
    };
  }

  /** Starts the rollback on a person's request. */
  public static Rollout abort(
      Rollout rollout, String by, Map<String, NodeReport> reports, Instant now) {
    if (rollout.phase().ended() || rollout.phase() == Rollout.Phase.ROLLING_BACK) {
      return rollout;
    }
    return rollBack(rollout, "aborted by " + by, figures(rollout, reports), now);
  }

  private static Rollout installing(
      Rollout r,
      Map<String, NodeReport> reports,
      Set<String> present,
      Instant now,
      RolloutConfig config) {
    Map<String, String> targets = r.targets();
    Map<String, String> from = r.from();
    boolean allInstalled = true;
    for (String node : r.current().nodes()) {
      NodeReport report = reports.get(node);
      boolean ready = report != null && report.rollout().equals(r.id());
      if (!targets.containsKey(node)) {
        // Targeted only once its baseline is taken: its report for this rollout says so.
        if (ready) {
          targets = Rollout.plus(targets, node, r.version());
          from = Rollout.plus(from, node, report.installed());
        }
        allInstalled = false;
        continue;
      }
      if (ready && report.step() == NodeReport.Step.FAILED) {
        return rollBack(r, node + ": " + report.detail(), figures(r, reports), now);
      }
      // Installed is not enough: the instance must run the new version (it restarts into it).
      allInstalled &=
          ready
              && report.step() == NodeReport.Step.INSTALLED
              && report.installed().equals(r.version())
              && report.running().equals(r.version());
    }
    Rollout next = r.with(Rollout.Phase.INSTALLING, r.wave(), targets, from, r.stepAt());
    if (allInstalled) {
      return next.with(Rollout.Phase.WATCHING, r.wave(), targets, from, now);
    }
    Duration taken = Duration.between(r.stepAt(), now);
    if (taken.compareTo(config.installTimeout()) > 0) {
      List<String> late = new ArrayList<>();
      for (String node : r.current().nodes()) {
        NodeReport report = reports.get(node);
        if (report == null
            || !report.rollout().equals(r.id())
            || report.step() != NodeReport.Step.INSTALLED) {
          late.add(node + (present.contains(node) ? "" : " (not in the cluster)"));
        }
      }
      return rollBack(
          next,
          "step "
              + r.current().step()
              + " did not install within "
              + config.installTimeout()
              + ": "
              + String.join(", ", late),
          figures(r, reports),
          now);
    }
    return next;
  }

  private static Rollout watching(
      Rollout r,
      Map<String, NodeReport> reports,
      Set<String> present,
      Instant now,
      RolloutConfig config) {
    List<String> reasons = new ArrayList<>();
    for (String node : r.reached()) {
      NodeReport report = reports.get(node);
      if (!present.contains(node)) {
        reasons.add(node + ": left the cluster while watched (crashed or crash-looping)");
      } else if (report == null || !report.rollout().equals(r.id())) {
        reasons.add(node + ": stopped reporting for this rollout (restarted?)");
      } else if (report.step() == NodeReport.Step.FAILED
          || !report.installed().equals(r.version())
          || !report.running().equals(r.version())) {
        reasons.add(node + ": no longer runs " + r.version() + " (" + report.detail() + ")");
      } else {
        Judge.crashLoop(r.version(), report.starts(), config.limits())
            .ifPresent(why -> reasons.add(node + ": " + why));
        for (String why : Judge.reasons(report.baseline(), report.now(), config.limits())) {
          reasons.add(node + ": " + why);
        }
      }
    }
    if (!reasons.isEmpty()) {
      return rollBack(r, String.join("; ", reasons), figures(r, reports), now);
    }
    if (Duration.between(r.stepAt(), now).compareTo(config.watch(r.current().step())) < 0) {
      return r;
    }
    if (r.wave() == r.waves().size() - 1) {
      return r.decided(
          Rollout.Phase.DONE,
          r.targets(),
          "every instance runs "
              + r.version()
              + ", each judged healthy against its baseline after every step",
          figures(r, reports),
          now);
    }
    return r.with(Rollout.Phase.INSTALLING, r.wave() + 1, r.targets(), r.from(), now);
  }

  private static Rollout rollingBack(
      Rollout r,
      Map<String, NodeReport> reports,
      Set<String> present,
      Instant now,
      RolloutConfig config) {
    List<String> waiting = new ArrayList<>();
    for (Map.Entry<String, String> back : r.from().entrySet()) {
      NodeReport report = reports.get(back.getKey());
      boolean reverted = report != null && report.installed().equals(back.getValue());
      if (!reverted && present.contains(back.getKey())) {
        waiting.add(back.getKey());
      }
    }
    boolean late = Duration.between(r.stepAt(), now).compareTo(config.installTimeout()) > 0;
    if (!waiting.isEmpty() && !late) {
      return r;
    }
    List<String> absent = new ArrayList<>(r.from().keySet());
    absent.removeIf(present::contains);
    String unconfirmed =
        (waiting.isEmpty() ? "" : "; not confirmed in time by " + String.join(", ", waiting))
            + (absent.isEmpty()
                ? ""
                : "; not in the cluster (reverts when it returns): " + String.join(", ", absent));
    return r.decided(
        Rollout.Phase.ROLLED_BACK, r.targets(), r.decision() + unconfirmed, r.judged(), now);
  }

  private static Rollout rollBack(
      Rollout r, String why, Map<String, Map<String, Vitals>> figures, Instant now) {
    Map<String, String> targets = new LinkedHashMap<>(r.targets());
    targets.putAll(r.from());
    return r.decided(Rollout.Phase.ROLLING_BACK, targets, "rolled back: " + why, figures, now);
  }

  private static Map<String, Map<String, Vitals>> figures(
      Rollout r, Map<String, NodeReport> reports) {
    Map<String, Map<String, Vitals>> out = new LinkedHashMap<>();
    for (String node : r.targets().keySet()) {
      NodeReport report = reports.get(node);
      if (report != null && report.rollout().equals(r.id())) {
        out.put(node, Map.of("baseline", report.baseline(), "now", report.now()));
      }
    }
    return out;
  }
}
