package io.nxs.rollout.fleet;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.rollout.release.ReleaseException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout on one instance: measures it every tick, takes its baseline when a rollout first
 * reaches it, installs the rollout's version or goes back to its previous one when the coordinator
 * targets it so, and reports all of it in the shared state. It decides nothing but one thing: a new
 * build that does not start is undone at once, before the coordinator hears of it.
 */
final class NodeAgent {

  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /** Windows a baseline and a judgement are taken over: the last minute at the default tick. */
  static final int WINDOWS = 30;

  /**
   * A report that only refreshes figures is shared at most this often: each is a majority write,
   * and what the instance does (its step, its version) is shared at once anyway.
   */
  static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(5);

  private final String node;
  private final NodeInstaller installer;
  private final VitalsProbe probe;
  private final FleetStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final Deque<Vitals> recent = new ArrayDeque<>();
  private final Deque<Vitals> since = new ArrayDeque<>();
  private NodeReport last;

  NodeAgent(
      String node,
      NodeInstaller installer,
      VitalsProbe probe,
      FleetStore store,
      AuditTrail audit,
      Clock clock) {
    this.node = node;
    this.installer = installer;
    this.probe = probe;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  /** One round: measure, act on the rollout, report. */
  synchronized NodeReport tick() {
    Vitals window = probe.sample();
    recent.addLast(window);
    if (recent.size() > WINDOWS) {
      recent.removeFirst();
    }
    since.addLast(window);
    if (since.size() > WINDOWS) {
      since.removeFirst();
    }
    if (last == null) {
      last = store.report(node).orElse(null);
    }
    Optional<Rollout> current = store.current().filter(r -> !r.phase().ended());
    NodeReport report = current.isPresent() ? act(current.get()) : idle();
    if (last == null
        || !sameDeeds(last, report)
        || !report.at().isBefore(last.at().plus(REFRESH))) {
      store.put(report);
      last = report;
    }
    return report;
  }

  /** Whether two reports say the same but for their figures and time. */
  private static boolean sameDeeds(NodeReport a, NodeReport b) {
    return a.installed().equals(b.installed())
        && a.previous().equals(b.previous())
        && a.rollout().equals(b.rollout())
        && a.step() == b.step()
        && a.detail().equals(b.detail());
  }

  private NodeReport idle() {
    return new NodeReport(
        node,
        installer.installed(),
        installer.previous(),
        "",
        NodeReport.Step.READY,
        Vitals.NONE,
        Vitals.mean(List.copyOf(recent)),
        "",
        clock.instant());
  }

  private NodeReport act(Rollout r) {
    boolean seen = last != null && last.rollout().equals(r.id());
    Vitals baseline = seen ? last.baseline() : Vitals.mean(List.copyOf(recent));
    NodeReport.Step step = seen ? last.step() : NodeReport.Step.READY;
    String detail = seen ? last.detail() : "baseline taken";
    if (!seen) {
      since.clear();
    }
    String installed = installer.installed();
    String target = r.targets().get(node);
    boolean failedHere = step == NodeReport.Step.FAILED && r.version().equals(target);
    if (target != null && !target.equals(installed) && !failedHere) {
      if (target.equals(r.version())) {
        try {
          installer.install(Path.of(r.archive()), r.sha256());
          step = NodeReport.Step.INSTALLED;
          detail = "installed " + r.version() + " (was " + installed + ")";
          record("rollout.installed", Severity.INFO, r, detail);
        } catch (ReleaseException e) {
          step = NodeReport.Step.FAILED;
          detail = e.getMessage();
          LOG.warn("rollout {}: {} not installed: {}", r.id(), r.version(), detail);
          record("rollout.install_failed", Severity.HIGH, r, detail);
        }
      } else {
        try {
          installer.restore(target);
          step = NodeReport.Step.ROLLED_BACK;
          detail = "back on " + target + " (was " + installed + ")";
          record("rollout.reverted", Severity.MEDIUM, r, detail);
        } catch (ReleaseException e) {
          step = NodeReport.Step.FAILED;
          detail = "cannot go back to " + target + ": " + e.getMessage();
          LOG.error("rollout {}: {}", r.id(), detail);
          record("rollout.revert_failed", Severity.CRITICAL, r, detail);
        }
      }
      since.clear();
    }
    return new NodeReport(
        node,
        installer.installed(),
        installer.previous(),
        r.id(),
        step,
        baseline,
        Vitals.mean(List.copyOf(since)),
        detail,
        clock.instant());
  }

  private void record(String type, Severity severity, Rollout r, String detail) {
    audit.append(
        new AuditEvent(
            type,
            severity,
            node,
            "release " + r.version(),
            Map.of("rollout", r.id(), "detail", detail)));
  }
}
