package io.nxs.core.cluster;

/**
 * Kinds of shared state and how a split is settled for each (SPEC CL5, CL6). Presence and the task
 * queue are kept by the cluster itself; these are the kinds modules write.
 */
public enum SharedKind {
  /** Chat messages: last writer wins, merged automatically. */
  CHAT,
  /** Configuration: the winning side of a split wins, settled automatically. */
  CONFIG,
  /** The agent's identity: never merged automatically; conflicts wait for a person. */
  IDENTITY,
  /** Secrets and credentials: never merged automatically; conflicts wait for a person. */
  SECRET;

  /** Whether conflicting writes to this kind are settled without a person. */
  public boolean autoResolved() {
    return this == CHAT || this == CONFIG;
  }
}
