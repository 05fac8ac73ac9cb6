package io.nxs.core.cluster;

/**
 * Where a task is.
 *
 * @param id the task's id
 * @param phase queued, running, done or failed
 * @param owner the instance it is placed on (or ran on)
 * @param attempt how many times it was placed: 1, then one more each time its instance was lost
 *     before it finished
 * @param detail the handler's result or failure, one line; empty while queued or running
 */
public record TaskStatus(String id, Phase phase, String owner, int attempt, String detail) {

  /** A task's phase. */
  public enum Phase {
    QUEUED,
    RUNNING,
    DONE,
    FAILED;

    /** Whether the task has finished, well or not. */
    public boolean finished() {
      return this == DONE || this == FAILED;
    }
  }
}
