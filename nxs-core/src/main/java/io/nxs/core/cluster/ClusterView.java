package io.nxs.core.cluster;

import java.util.List;
import java.util.Optional;

/**
 * The cluster as a capability module sees it (SPEC CL1-CL3, CL7): who is there, in which state,
 * with which score, and whether this instance may take work. Reads are quick (a local view kept up
 * to date in the background); they never block on the network.
 */
public interface ClusterView {

  /** This instance's id ({@code cluster.node_id}, or the host name for a single node). */
  String localNodeId();

  /** Whether this instance is part of a cluster; false for a single node. */
  boolean clustered();

  /** Every known instance, this one included, ordered by id. */
  List<ClusterMember> members();

  /**
   * Whether this instance is on the side that keeps running after a split: always true for a single
   * node; false on a minority side, which stops accepting work.
   */
  boolean onMajoritySide();

  /** Whether this instance may accept new work now: on the majority side and taking work. */
  boolean acceptsWork();

  /**
   * Another instance to hand a request to when this one cannot serve it (SPEC CL7): the highest
   * score among healthy instances that take work, in this instance's region first, then the
   * configured nearby regions, within the allowed regions; a sticky key keeps choosing the same
   * instance while it stays healthy. Empty when there is none (always, for a single node).
   */
  Optional<ClusterMember> peerFor(PeerRequest request);
}
