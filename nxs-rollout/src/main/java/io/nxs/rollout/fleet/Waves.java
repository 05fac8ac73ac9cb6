package io.nxs.rollout.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a staged rollout (SPEC RO4): one canary, then up to 25 %, 75 % and 100 % of the
 * fleet, the agent's primary alone in the last step. A step that would add nobody (a small fleet)
 * is left out.
 */
public final class Waves {

  /** A step, named for the share of the fleet upgraded once it is done. */
  public enum Step {
    CANARY(0),
    QUARTER(0.25),
    THREE_QUARTERS(0.75),
    FULL(1.0);

    private final double share;

    Step(double share) {
      this.share = share;
    }
  }

  /**
   * One step's instances.
   *
   * @param step its name
   * @param nodes the instances it upgrades
   */
  public record Wave(Step step, List<String> nodes) {
    public Wave {
      nodes = List.copyOf(nodes);
    }
  }

  private Waves() {}

  /**
   * Plans the steps.
   *
   * @param nodes every instance to upgrade, in the order to upgrade them
   * @param primary the instance running the agent, upgraded last; empty when none of them does
   */
  public static List<Wave> plan(List<String> nodes, String primary) {
    List<String> others = new ArrayList<>(nodes);
    boolean hasPrimary = others.remove(primary);
    int total = nodes.size();
    List<Wave> out = new ArrayList<>();
    // The last step is always FULL: without a primary, it keeps at least one instance of its own.
    int before = hasPrimary ? others.size() : Math.max(0, others.size() - 1);
    int done = 0;
    for (Step step : Step.values()) {
      int upTo =
          step == Step.CANARY
              ? Math.min(1, before)
              : Math.min(before, (int) Math.ceil(step.share * total));
      List<String> wave = new ArrayList<>(others.subList(done, Math.max(done, upTo)));
      done = Math.max(done, upTo);
      if (step == Step.FULL) {
        wave.addAll(others.subList(done, others.size()));
        if (hasPrimary) {
          wave.add(primary);
        }
      }
      if (!wave.isEmpty()) {
        out.add(new Wave(step, wave));
      }
    }
    return out;
  }
}
