package io.nxs.core.audit;

import java.util.List;

/**
 * Where signed audit checkpoints are kept away from the log itself (the vault keeps one on every
 * backup target). The audit module never writes here; {@code nxs audit verify} reads the newest
 * checkpoints and compares the local log against them, which detects a log rolled back to an
 * earlier signed state.
 */
public interface CheckpointStore {

  /**
   * A checkpoint and the place it was read from.
   *
   * @param where the place, e.g. {@code local:/srv/backups}
   */
  record Kept(String where, AuditCheckpoint checkpoint) {}

  /**
   * What could be read.
   *
   * @param newest the newest checkpoint of each place that holds one
   * @param unreadable places that could not be read, each with the reason
   */
  record Found(List<Kept> newest, List<String> unreadable) {
    public Found {
      newest = List.copyOf(newest);
      unreadable = List.copyOf(unreadable);
    }
  }

  /** Reads the newest checkpoint of every place; a place that cannot be read is reported. */
  Found newest();
}
