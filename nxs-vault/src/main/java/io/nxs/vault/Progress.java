package io.nxs.vault;

/**
 * Hears how long work goes: the CLI draws a progress bar from it, tests use it to stop a backup at
 * a chosen point. Calls may come from several threads.
 */
public interface Progress {

  /** Ignores everything. */
  Progress NONE = new Progress() {};

  /** Work of {@code total} bytes begins. */
  default void start(String task, long total) {}

  /** {@code bytes} more are done. */
  default void advance(long bytes) {}

  /** A new blob was stored. */
  default void blobWritten(String name) {}

  /** The work finished. */
  default void done() {}
}
