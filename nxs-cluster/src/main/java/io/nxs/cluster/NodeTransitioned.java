package io.nxs.cluster;

import io.nxs.core.cluster.NodeState;
import io.nxs.core.event.NxsEvent;
import java.time.Instant;

/**
 * An instance moved to another lifecycle state, as this node saw it.
 *
 * @param nodeId the instance
 * @param from its previous state
 * @param to its new state
 * @param reason why, one line
 */
public record NodeTransitioned(
    Instant at, String nodeId, NodeState from, NodeState to, String reason) implements NxsEvent {}
