package io.nxs.cluster.placement;

import java.time.Instant;

/**
 * A task waiting on an instance, as rebalancing sees it.
 *
 * @param id the task's id
 * @param owner the instance it waits on
 * @param movable whether it is stateless or checkpointed and has not started
 * @param submitted when it was submitted (oldest moves first)
 */
public record QueuedTask(String id, String owner, boolean movable, Instant submitted) {}
