package io.nxs.core.cluster;

import java.util.Optional;

/**
 * The task queue (SPEC CL4): tasks are placed on an instance by score, run once by a handler of
 * their type, and re-placed exactly once when their instance is lost before finishing. A single
 * node runs them itself.
 */
public interface TaskQueue {

  /**
   * Registers the handler for a task type on this instance.
   *
   * @throws io.nxs.core.NxsException when the type already has a handler
   */
  void handle(String type, TaskHandler handler);

  /**
   * Submits a task; a task with the same id already known is not submitted again.
   *
   * @return the task's status right after submission
   * @throws io.nxs.core.NxsException when this instance does not accept work now (a minority side)
   */
  TaskStatus submit(TaskSpec task);

  /** The status of a task, if known. */
  Optional<TaskStatus> status(String id);

  /** How many tasks wait or run on this instance: the {@code queue.depth} the Doctor reads. */
  int localDepth();
}
