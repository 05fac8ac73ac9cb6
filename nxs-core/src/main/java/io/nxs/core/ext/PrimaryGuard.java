package io.nxs.core.ext;

import java.util.Optional;

/**
 * A say in whether this instance may run the agent (the OpenClaw gateway with its chat channels) as
 * the primary right now. Exactly one instance may accept the agent's writes at a time: after a
 * session migration the source fences itself (the session module's guard), and in a cluster only
 * the holder of the primary lease may run it (the cluster module's guard). Whoever starts or
 * restarts the agent — the Doctor's supervision and healing — asks every registered guard first and
 * starts it only when none refuses.
 */
public interface PrimaryGuard {

  /** Unique name, e.g. {@code session.fence} or {@code cluster.lease}. */
  String name();

  /**
   * Why this instance must not run the agent now, or empty when this guard allows it.
   *
   * @return one line for the operator, e.g. "fenced after migration M3 to https://b:8787; run `nxs
   *     session unfence` to take the agent back"
   */
  Optional<String> refusal();
}
