package io.nxs.cluster.placement;

/**
 * The figures an instance's score is made of (seed 001 §1), as it reports them every heartbeat.
 *
 * @param cpuFree 1 − load average / cores, in [0, 1]
 * @param memoryFree 1 − used / total memory, in [0, 1]
 * @param queued tasks waiting or running on the instance
 * @param maxQueue the queue length at which the queue term is 0
 * @param latencyMs the instance's cluster round trip (a majority write of its report), ms
 * @param successRate share of its work that succeeded (7-day window), in [0, 1]
 */
public record ScoreInputs(
    double cpuFree,
    double memoryFree,
    int queued,
    int maxQueue,
    double latencyMs,
    double successRate) {

  /** Inputs of an idle, healthy instance. */
  public static ScoreInputs idle(int maxQueue) {
    return new ScoreInputs(1, 1, 0, maxQueue, 0, 1);
  }
}
