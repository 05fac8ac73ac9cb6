package io.nxs.cluster;

import io.nxs.core.NxsException;
import io.nxs.core.cluster.ClusterPorts;
import java.util.List;

/** The control of a node that runs alone: one member, no conflicts. */
final class SingleNodeControl implements ClusterControl {

  private final ClusterPorts ports;

  SingleNodeControl(ClusterPorts ports) {
    this.ports = ports;
  }

  @Override
  public ClusterStatus status() {
    return new ClusterStatus(
        ports.view().localNodeId(),
        false,
        "",
        true,
        true,
        true,
        ports.view().members().stream().map(ClusterStatus.Member::of).toList(),
        new ClusterStatus.Lease(
            ports.lease().holder().orElse(""),
            ports.lease().held().map(g -> g.fencingToken()).orElse(0L),
            ports.lease().held().isPresent()),
        0,
        null,
        "");
  }

  @Override
  public List<ConflictView> conflicts() {
    return List.of();
  }

  @Override
  public ConflictView decide(String id, boolean approve, String by) {
    throw new NxsException(
        "no conflict '" + id + "': this node runs alone (cluster.enabled is false)");
  }

  @Override
  public void close() {}
}
