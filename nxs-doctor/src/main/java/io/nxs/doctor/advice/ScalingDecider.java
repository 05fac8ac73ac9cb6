package io.nxs.doctor.advice;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The scale rules of seed 000 §4 (SPEC DR10), as a pure decision over observations: scale up when
 * CPU stays above 70 % for 5 minutes or the queue exceeds 100; scale down when CPU stays below 20 %
 * for 30 minutes with the queue empty all that time; never below {@code min_instances} nor above
 * {@code max_instances}.
 *
 * <p>One signal per episode: once a signal is given, the same condition must break and hold again
 * before it is given again, so a fleet that stays busy at its ceiling is not told the same thing
 * every minute. A gap in the observations longer than {@link #MAX_GAP} restarts the timing (a
 * daemon that was stopped did not observe the CPU in between). Not thread-safe: one caller (the
 * Doctor's tick) feeds it.
 */
public final class ScalingDecider {

  public static final double UP_CPU = 70;
  public static final Duration UP_FOR = Duration.ofMinutes(5);
  public static final double UP_QUEUE = 100;
  public static final double DOWN_CPU = 20;
  public static final Duration DOWN_FOR = Duration.ofMinutes(30);

  /** Observations further apart than this do not make a sustained condition. */
  public static final Duration MAX_GAP = Duration.ofMinutes(3);

  private final int min;
  private final int max;
  private Instant last;
  private Instant hotSince;
  private Instant coldSince;
  private boolean upGiven;
  private boolean downGiven;

  public ScalingDecider(int minInstances, int maxInstances) {
    this.min = minInstances;
    this.max = maxInstances;
  }

  /**
   * Takes one observation.
   *
   * @param cpuPercent CPU use in percent, NaN when unknown (then nothing is decided)
   * @param queueDepth tasks waiting or running, NaN when unknown (counted as 0)
   * @param instances instances that take work now (1 for a single node)
   * @return a signal when one is due now
   */
  public Optional<ScalingSignal> observe(
      Instant at, double cpuPercent, double queueDepth, int instances) {
    if (last != null && Duration.between(last, at).compareTo(MAX_GAP) > 0) {
      hotSince = null;
      coldSince = null;
    }
    last = at;
    if (Double.isNaN(cpuPercent)) {
      return Optional.empty();
    }
    double queue = Double.isNaN(queueDepth) ? 0 : queueDepth;
    hotSince = cpuPercent > UP_CPU ? (hotSince == null ? at : hotSince) : null;
    coldSince = cpuPercent < DOWN_CPU && queue == 0 ? (coldSince == null ? at : coldSince) : null;

    boolean hot = hotSince != null && !Duration.between(hotSince, at).minus(UP_FOR).isNegative();
    boolean queued = queue > UP_QUEUE;
    boolean up = hot || queued;
    boolean down =
        coldSince != null && !Duration.between(coldSince, at).minus(DOWN_FOR).isNegative();
    if (!up) {
      upGiven = false;
    }
    if (!down) {
      downGiven = false;
    }
    if (up && !upGiven && instances < max) {
      upGiven = true;
      String reason =
          hot
              ? String.format(Locale.ROOT, "CPU > 70 %% for 5 min (%.0f %%)", cpuPercent)
              : String.format(Locale.ROOT, "queue > 100 (%.0f tasks)", queue);
      return Optional.of(
          new ScalingSignal(
              ScalingSignal.Direction.UP, instances, Math.max(min, instances + 1), reason, at));
    }
    if (down && !downGiven && instances > min) {
      downGiven = true;
      String reason =
          String.format(
              Locale.ROOT, "CPU < 20 %% for 30 min with the queue empty (%.0f %%)", cpuPercent);
      return Optional.of(
          new ScalingSignal(
              ScalingSignal.Direction.DOWN, instances, Math.min(max, instances - 1), reason, at));
    }
    return Optional.empty();
  }
}
