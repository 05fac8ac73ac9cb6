package io.nxs.core.cluster;

import java.util.Objects;

/**
 * Where a module finds the cluster: its view, the agent-primary lease, shared breaker states, the
 * task queue and shared state. Until the cluster module installs its implementations (only when
 * {@code cluster.enabled: true}), these are the single-node ones, so every module works the same
 * without a cluster.
 *
 * <p>Read the ports when you use them rather than once at start: the cluster module installs its
 * ports while the daemon starts, and a module started before it would otherwise keep the
 * single-node ones.
 */
public final class ClusterPorts {

  private volatile ClusterView view;
  private volatile PrimaryLease lease;
  private volatile SharedBreakers breakers;
  private volatile TaskQueue tasks;
  private volatile SharedState state;

  /** Single-node ports named after this host. */
  public ClusterPorts() {
    this(SingleNode.hostName());
  }

  /** Single-node ports for an instance id. */
  public ClusterPorts(String nodeId) {
    SingleNode single = new SingleNode(nodeId);
    install(single, single, single, new LocalTaskQueue(nodeId), single);
  }

  /** Replaces every port at once; called by the cluster module when it starts. */
  public void install(
      ClusterView view,
      PrimaryLease lease,
      SharedBreakers breakers,
      TaskQueue tasks,
      SharedState state) {
    this.view = Objects.requireNonNull(view, "view");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.breakers = Objects.requireNonNull(breakers, "breakers");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.state = Objects.requireNonNull(state, "state");
  }

  public ClusterView view() {
    return view;
  }

  public PrimaryLease lease() {
    return lease;
  }

  public SharedBreakers breakers() {
    return breakers;
  }

  public TaskQueue tasks() {
    return tasks;
  }

  public SharedState state() {
    return state;
  }
}
