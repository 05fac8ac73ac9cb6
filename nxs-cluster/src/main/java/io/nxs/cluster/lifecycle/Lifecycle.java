package io.nxs.cluster.lifecycle;

import io.nxs.core.cluster.NodeState;
import java.time.Instant;

/**
 * Where one instance is in its lifecycle (SPEC CL2, seed 001 §3): one type per state, each holding
 * what its rules need. {@link MemberLifecycle} moves between them.
 */
public sealed interface Lifecycle {

  /** When the instance entered this state. */
  Instant since();

  /** The state's name as modules see it. */
  NodeState state();

  /**
   * Announced, not yet heard from steadily.
   *
   * @param beats consecutive heartbeats so far; 3 make it ACTIVE (DEGRADED if the third is
   *     unhealthy)
   */
  record Joining(Instant since, int beats) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.JOINING;
    }
  }

  /** Healthy and taking work. */
  record Active(Instant since) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.ACTIVE;
    }
  }

  /**
   * Answering with errors or high latency.
   *
   * @param goodBeats consecutive healthy heartbeats so far; 5 make it ACTIVE again
   */
  record Degraded(Instant since, int goodBeats) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.DEGRADED;
    }
  }

  /** Shutting down gracefully, handing its work over. */
  record Leaving(Instant since) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.LEAVING;
    }
  }

  /**
   * Out of the cluster.
   *
   * @param reason why, one line
   */
  record Gone(Instant since, String reason) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.GONE;
    }
  }

  /** Its heartbeat stopped while its connections stay alive; forced out after 60 s. */
  record Zombie(Instant since) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.ZOMBIE;
    }
  }

  /**
   * Did not become ACTIVE within 2 minutes.
   *
   * @param refusedUntil until when it may not join again
   */
  record Failed(Instant since, Instant refusedUntil) implements Lifecycle {
    @Override
    public NodeState state() {
      return NodeState.FAILED;
    }
  }
}
