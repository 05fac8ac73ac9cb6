package io.nxs.cluster.placement;

import io.nxs.core.cluster.TaskSpec;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where a task goes (SPEC CL3, CL4; seed 001 §1): the instance with the highest score at or above
 * the threshold 0.5 (a DEGRADED one's score halved), ties to the lower id.
 *
 * <p>Hot-spot prevention adjusts the comparison, never the threshold: an instance already holding
 * tasks of the same type loses {@value #SAME_TYPE_PENALTY} per task (at most {@value
 * #MAX_PENALTY}), an I/O-heavy task avoids instances holding I/O-heavy tasks the same way, and an
 * instance that ran a task with the same cache key gains {@value #CACHE_BONUS}.
 */
public final class Placement {

  static final double SAME_TYPE_PENALTY = 0.05;
  static final double IO_PENALTY = 0.05;
  static final double MAX_PENALTY = 0.2;
  static final double CACHE_BONUS = 0.1;
  private static final double EPSILON = 1e-9;

  private Placement() {}

  /** The instance for a task, or empty when none scores at least the threshold. */
  public static Optional<String> choose(TaskSpec task, Collection<Candidate> candidates) {
    return candidates.stream()
        .filter(c -> c.effectiveScore() >= Score.THRESHOLD - EPSILON)
        .max(
            Comparator.<Candidate>comparingDouble(c -> rounded(rank(task, c)))
                .thenComparing(Candidate::nodeId, Comparator.reverseOrder()))
        .map(Candidate::nodeId);
  }

  /** The comparison value of a candidate for a task. */
  static double rank(TaskSpec task, Candidate c) {
    double rank = c.effectiveScore();
    rank -=
        Math.min(MAX_PENALTY, SAME_TYPE_PENALTY * c.queuedByType().getOrDefault(task.type(), 0));
    if (task.ioHeavy()) {
      rank -= Math.min(MAX_PENALTY, IO_PENALTY * c.ioHeavy());
    }
    if (!task.cacheKey().isEmpty() && c.cacheKeys().contains(task.cacheKey())) {
      rank += CACHE_BONUS;
    }
    return rank;
  }

  /** Equal within rounding counts as a tie, which goes to the lower id. */
  private static double rounded(double v) {
    return Math.round(v / EPSILON) * EPSILON;
  }
}
