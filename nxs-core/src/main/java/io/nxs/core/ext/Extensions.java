package io.nxs.core.ext;

import io.nxs.core.cluster.ClusterPorts;

/**
 * The extension points of one daemon: each module registers what it provides and finds what it uses
 * here, through the core interfaces only.
 */
public final class Extensions {

  private final Registry<MetricSource> metricSources =
      new Registry<>("metric source", MetricSource::name);
  private final Registry<HealthSource> healthSources =
      new Registry<>("health source", HealthSource::name);
  private final Registry<HealingAction> healingActions =
      new Registry<>("healing action", HealingAction::name);
  private final Registry<BackupSource> backupSources =
      new Registry<>("backup source", BackupSource::name);
  private final Registry<ReadinessCheck> readinessChecks =
      new Registry<>("readiness check", ReadinessCheck::name);
  private final Registry<RuleSource> ruleSources = new Registry<>("rule source", RuleSource::name);
  private final ClusterPorts cluster = new ClusterPorts();
  private final Registry<PrimaryGuard> primaryGuards =
      new Registry<>("primary guard", PrimaryGuard::name);
  private final Registry<ServiceControl> serviceControls =
      new Registry<>("service control", ServiceControl::name);

  public Registry<MetricSource> metricSources() {
    return metricSources;
  }

  public Registry<HealthSource> healthSources() {
    return healthSources;
  }

  public Registry<HealingAction> healingActions() {
    return healingActions;
  }

  public Registry<BackupSource> backupSources() {
    return backupSources;
  }

  public Registry<ReadinessCheck> readinessChecks() {
    return readinessChecks;
  }

  public Registry<RuleSource> ruleSources() {
    return ruleSources;
  }

  /**
   * The cluster's ports (membership view, agent-primary lease, shared breakers, task queue, shared
   * state): single-node implementations unless the cluster module installed its own.
   */
  public ClusterPorts cluster() {
    return cluster;
  }

  public Registry<PrimaryGuard> primaryGuards() {
    return primaryGuards;
  }

  public Registry<ServiceControl> serviceControls() {
    return serviceControls;
  }
}
