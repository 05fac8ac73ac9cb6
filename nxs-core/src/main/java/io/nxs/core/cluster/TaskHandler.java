package io.nxs.core.cluster;

/** Runs tasks of one type on the instance they were placed on. */
@FunctionalInterface
public interface TaskHandler {

  /**
   * Runs one task; called on a virtual thread, at most once per placement.
   *
   * @return a one-line result recorded with the task
   * @throws RuntimeException to fail the task (its message is recorded); the task is not retried
   */
  String run(TaskSpec task);
}
