package io.nxs.sync;

/** Follows a sync's steps, e.g. for a progress line. Called on the syncing thread. */
@FunctionalInterface
public interface SyncListener {

  /** Does nothing. */
  SyncListener NONE = (phase, done, total) -> {};

  /** The steps of one sync, in order. */
  enum Phase {
    SCANNING,
    FETCHING,
    MERGING,
    PUSHING,
    APPLYING,
    DONE
  }

  /**
   * @param phase the step
   * @param done how much of it is done (files written while {@code APPLYING}, else 0)
   * @param total how much there is (files to write while {@code APPLYING}, else 0)
   */
  void progress(Phase phase, int done, int total);
}
