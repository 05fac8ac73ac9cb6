package io.nxs.cluster.lifecycle;

import io.nxs.core.cluster.NodeState;
import java.time.Duration;
import java.time.Instant;

/** What {@link MemberLifecycle} decided; the caller carries it out (events, audit, Pekko). */
public sealed interface Outcome {

  /**
   * The instance moved to another state.
   *
   * @param nodeId the instance
   * @param from its previous state
   * @param to its new state
   * @param reason why, one line
   */
  record Transition(String nodeId, NodeState from, NodeState to, String reason)
      implements Outcome {}

  /**
   * The instance must be forced out of the cluster (downed) and its leases released.
   *
   * @param nodeId the instance
   * @param reason why, one line
   */
  record ForceOut(String nodeId, String reason) implements Outcome {}

  /**
   * The instance flaps: it is held out of work for a while and a person is told.
   *
   * @param nodeId the instance
   * @param transitions how many transitions it made within the window
   * @param backoff how long it is held out
   * @param until when it may take work again
   */
  record Flapping(String nodeId, int transitions, Duration backoff, Instant until)
      implements Outcome {}
}
