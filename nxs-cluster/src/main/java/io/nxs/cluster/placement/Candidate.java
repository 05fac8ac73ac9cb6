package io.nxs.cluster.placement;

import java.util.Map;
import java.util.Set;

/**
 * An instance that may be given a task, as placement sees it.
 *
 * @param nodeId its id
 * @param score its score from {@link Score#of}
 * @param degraded whether it is DEGRADED (its score counts half)
 * @param queuedByType how many of its waiting or running tasks are of each type
 * @param ioHeavy how many of its waiting or running tasks are I/O-heavy
 * @param cacheKeys cache keys of the tasks it ran recently
 */
public record Candidate(
    String nodeId,
    double score,
    boolean degraded,
    Map<String, Integer> queuedByType,
    int ioHeavy,
    Set<String> cacheKeys) {

  public Candidate {
    queuedByType = Map.copyOf(queuedByType);
    cacheKeys = Set.copyOf(cacheKeys);
  }

  /** An idle candidate, for tests and a fresh cluster. */
  public static Candidate of(String nodeId, double score) {
    return new Candidate(nodeId, score, false, Map.of(), 0, Set.of());
  }

  /** The score placement compares against the threshold: halved when DEGRADED. */
  public double effectiveScore() {
    double s = Score.unit(score);
    return degraded ? s * Score.DEGRADED_FACTOR : s;
  }
}
