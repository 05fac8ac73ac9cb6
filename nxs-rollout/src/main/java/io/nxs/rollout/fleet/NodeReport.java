package io.nxs.rollout.fleet;

import java.time.Instant;
import java.util.Objects;

/**
 * What one instance tells the coordinator, through the cluster's shared state: the release it runs,
 * the one it keeps for a rollback, its baseline and its current figures.
 *
 * @param node its id
 * @param installed the version {@code current} points at
 * @param previous the version kept for a rollback; empty when none
 * @param rollout the rollout these figures belong to; empty between rollouts
 * @param step what it last did for that rollout
 * @param baseline its figures before the rollout reached it
 * @param now its figures since the last install or rollback (before one: the latest window)
 * @param detail one line: why a step failed, or what it did
 * @param at when it reported, from its clock
 * @param running the version of the process that reported: {@code installed} is newer until it has
 *     restarted into it
 * @param started when that process started
 * @param starts how many processes of {@code running} have started since it was installed: more
 *     than one is a version that was started again (a crash loop when it grows fast)
 */
public record NodeReport(
    String node,
    String installed,
    String previous,
    String rollout,
    Step step,
    Vitals baseline,
    Vitals now,
    String detail,
    Instant at,
    String running,
    Instant started,
    int starts) {

  /** What an instance last did for a rollout. */
  public enum Step {
    /** Runs the version it ran before the rollout, baseline taken. */
    READY,
    /**
     * Installed the rollout's version; its new build started (the coordinator also waits for the
     * instance to run it: {@code running}).
     */
    INSTALLED,
    /**
     * The install, the new build's start, or the new version's run (it crash-looped) failed; it
     * runs its previous version again.
     */
    FAILED,
    /** Went back to its previous version on the coordinator's order. */
    ROLLED_BACK
  }

  public NodeReport {
    Objects.requireNonNull(node, "node");
    installed = installed == null ? "" : installed;
    previous = previous == null ? "" : previous;
    rollout = rollout == null ? "" : rollout;
    step = step == null ? Step.READY : step;
    baseline = baseline == null ? Vitals.NONE : baseline;
    now = now == null ? Vitals.NONE : now;
    detail = detail == null ? "" : detail;
    running = running == null || running.isEmpty() ? installed : running;
    started = started == null ? at : started;
    starts = Math.max(starts, 1);
  }

  /** A report of an instance whose process runs what it installed (one start). */
  public NodeReport(
      String node,
      String installed,
      String previous,
      String rollout,
      Step step,
      Vitals baseline,
      Vitals now,
      String detail,
      Instant at) {
    this(node, installed, previous, rollout, step, baseline, now, detail, at, installed, at, 1);
  }
}
