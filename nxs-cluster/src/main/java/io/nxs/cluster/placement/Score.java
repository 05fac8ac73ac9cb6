package io.nxs.cluster.placement;

/**
 * An instance's placement score, exactly as seed 001 §1 (SPEC CL3):
 *
 * <pre>
 * score = 0.25 · CPU free
 *       + 0.30 · memory free
 *       + 0.20 · (1 − queued / max queue)
 *       + 0.15 · (1 − latency / 1000 ms)
 *       + 0.10 · success rate (7 days)
 * </pre>
 *
 * Each term is clamped to [0, 1], so an instance with 2000 ms latency scores 0 on that term rather
 * than below. A figure that is not a number (a malformed report from another instance) counts as
 * the worst value, never as an error: one bad report must not crash a node or win it work.
 */
public final class Score {

  public static final double CPU = 0.25;
  public static final double MEMORY = 0.30;
  public static final double QUEUE = 0.20;
  public static final double LATENCY = 0.15;
  public static final double RELIABILITY = 0.10;

  /** Work goes only to instances scoring at least this. */
  public static final double THRESHOLD = 0.5;

  /** What a DEGRADED instance's score is multiplied by before placement. */
  public static final double DEGRADED_FACTOR = 0.5;

  private Score() {}

  /** The score of these inputs, in [0, 1]. */
  public static double of(ScoreInputs in) {
    double queueTerm = in.maxQueue() <= 0 ? 0 : 1 - (double) in.queued() / in.maxQueue();
    return CPU * unit(in.cpuFree())
        + MEMORY * unit(in.memoryFree())
        + QUEUE * unit(queueTerm)
        + LATENCY * unit(1 - in.latencyMs() / 1000.0)
        + RELIABILITY * unit(in.successRate());
  }

  /** A value clamped to [0, 1]; not-a-number is 0. */
  static double unit(double v) {
    if (Double.isNaN(v)) {
      return 0;
    }
    return Math.max(0, Math.min(1, v));
  }
}
