package io.nxs.core.cluster;

/**
 * An instance's place in its lifecycle (SPEC CL2), as every module sees it. The cluster module
 * drives the transitions; a single node is always {@link #ACTIVE}.
 */
public enum NodeState {
  /** Announced, not yet proven healthy (3 good heartbeats make it ACTIVE). */
  JOINING,
  /** Healthy and taking work. */
  ACTIVE,
  /** Answering, but with errors or high latency: still a member, placed less often. */
  DEGRADED,
  /** Shutting down gracefully: handing its work over. */
  LEAVING,
  /** Gone: its work handed over, its state synced. */
  GONE,
  /** Heartbeat lost while its connections persist; forced out after a grace period. */
  ZOMBIE,
  /** Did not become ACTIVE in time; refused for a while. */
  FAILED;

  /** Whether an instance in this state may be given work. */
  public boolean takesWork() {
    return this == ACTIVE || this == DEGRADED;
  }
}
