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
 *
 * <p>After an install or a rollback it asks for this process to restart into the version now
 * installed ({@link NodeInstaller#restartInto}), once the report saying so is shared: a rollout
 * judges the new code running, not the old process. Each report names the version that runs, when
 * its process started and how many of its processes started since it was installed, so that a
 * version started again and again is seen as the crash loop it is ({@link Judge#crashLoop}); a
 * version the launcher's loop had to put back after it crash-looped is reported FAILED and never
 * installed again.
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
  private final java.time.Instant started;
  private NodeReport last;
  private int starts;
  private boolean restartAsked;

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
    this.started = clock.instant();
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
      starts = startsOf(last, installer.running());
    }
    Optional<Rollout> current = store.current().filter(r -> !r.phase().ended());
    NodeReport report = current.isPresent() ? act(current.get()) : idle();
    if (last == null
        || !sameDeeds(last, report)
        || !report.at().isBefore(last.at().plus(REFRESH))) {
      store.put(report);
      last = report;
    }
    restartIfBehind(report);
    return report;
  }

  /**
   * How many processes of {@code running} started since it was installed, this one included: one
   * more than the last report's when that came from another process of the same version.
   */
  private int startsOf(NodeReport previous, String running) {
    if (previous == null || !previous.running().equals(running)) {
      return 1;
    }
    return previous.started().equals(started) ? previous.starts() : previous.starts() + 1;
  }

  /** Asks once for a restart when the installed version is not the one that runs. */
  private void restartIfBehind(NodeReport report) {
    if (restartAsked
        || report.installed().isEmpty()
        || report.installed().equals(report.running())
        || (report.step() != NodeReport.Step.INSTALLED
            && report.step() != NodeReport.Step.ROLLED_BACK)) {
      return;
    }
    // Going forward, the version that ran is the one to come back to should the new one
    // crash-loop; going back, there is nothing further back to go to.
    String fallback = report.step() == NodeReport.Step.INSTALLED ? report.running() : "";
    restartAsked = true;
    if (installer.restartInto(fallback)) {
      LOG.info("restarting into {} (running {})", report.installed(), report.running());
    } else {
      LOG.warn(
          "{} is installed but {} runs, and nothing restarts this process into it: run NXS"
              + " through bin/nxs serve (or its systemd unit)",
          report.installed(),
          report.running());
    }
  }

  /** Whether two reports say the same but for their figures and time. */
  private static boolean sameDeeds(NodeReport a, NodeReport b) {
    return a.installed().equals(b.installed())
        && a.previous().equals(b.previous())
        && a.rollout().equals(b.rollout())
        && a.step() == b.step()
        && a.detail().equals(b.detail())
        && a.running().equals(b.running())
        && a.started().equals(b.started());
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
        clock.instant(),
        installer.running(),
        started,
        starts);
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
      Optional<String> looped =
          target.equals(r.version()) ? installer.crashLooped(r.version()) : Optional.empty();
      if (looped.isPresent()) {
        step = NodeReport.Step.FAILED;
        detail = looped.get();
        LOG.warn("rollout {}: {}", r.id(), detail);
        record("rollout.crash_loop", Severity.HIGH, r, detail);
      } else if (target.equals(r.version())) {
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
        clock.instant(),
        installer.running(),
        started,
        starts);
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
