package io.nxs.cluster;

import java.util.List;

/** What the routes and the CLI ask of the cluster; no Pekko type crosses it. */
public interface ClusterControl extends AutoCloseable {

  /** The cluster as this node sees it. */
  ClusterStatus status();

  /** The review queue: pending first. */
  List<ConflictView> conflicts();

  /**
   * Settles a conflict.
   *
   * @param approve take the other side's value (true) or keep the current one (false)
   * @param by who decides (an API key id), recorded in the audit log
   * @throws io.nxs.core.NxsException when there is no such pending conflict
   */
  ConflictView decide(String id, boolean approve, String by);

  /** Stops: a cluster node leaves gracefully, handing its work over. */
  @Override
  void close();
}
