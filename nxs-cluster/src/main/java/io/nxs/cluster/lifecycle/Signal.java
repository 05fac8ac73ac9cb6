package io.nxs.cluster.lifecycle;

/** What happens to an instance, as {@link MemberLifecycle} hears it. */
public sealed interface Signal {

  /**
   * One of the instance's own heartbeats (its report of its figures) arrived.
   *
   * @param healthy error rate at most 10 % and latency at most twice its baseline
   * @param why what was wrong when not healthy, one line; empty when healthy
   */
  record Beat(boolean healthy, String why) implements Signal {
    public Beat(boolean healthy) {
      this(healthy, healthy ? "" : "errors or latency");
    }
  }

  /** Time passed; timed rules (slow join, zombie, refusal) are checked. */
  record Tick() implements Signal {}

  /** Pekko saw the instance (again) as a new member: it joins. */
  record Joined() implements Signal {}

  /** The instance started a graceful leave. */
  record Leave() implements Signal {}

  /** A leaving instance's work is handed over and its state synced. */
  record HandedOver() implements Signal {}

  /**
   * Pekko's failure detector changed its mind about the instance.
   *
   * @param reachable whether its connections are alive
   */
  record Reachability(boolean reachable) implements Signal {}

  /**
   * Pekko removed the instance (it left, or it was downed).
   *
   * @param reason why, one line
   */
  record Removed(String reason) implements Signal {}
}
