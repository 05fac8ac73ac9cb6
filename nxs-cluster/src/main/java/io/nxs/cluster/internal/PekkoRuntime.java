package io.nxs.cluster.internal;

import io.micrometer.core.instrument.Gauge;
import io.nxs.cluster.ClusterConfig;
import io.nxs.cluster.ClusterControl;
import io.nxs.cluster.ClusterStatus;
import io.nxs.cluster.ConflictView;
import io.nxs.cluster.heal.Conflict;
import io.nxs.core.cluster.NodeState;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.module.ModuleContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The cluster module's running part: a {@link ClusterNode} wired to the daemon — its ports
 * installed for the other modules, its figures for the Doctor, its readiness (a node on the
 * minority side is not ready, so a load balancer stops sending it work).
 */
public final class PekkoRuntime implements ClusterControl {

  private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);

  private final ClusterNode node;
  private final AgentPrimary primary;

  private PekkoRuntime(ClusterNode node, AgentPrimary primary) {
    this.node = node;
    this.primary = primary;
  }

  /** Starts this daemon's cluster node. */
  public static ClusterControl start(ModuleContext ctx, ClusterConfig config) {
    ClusterNode node =
        ClusterNode.start(
            new ClusterNode.Deps(
                config,
                ctx.clock(),
                ctx.events(),
                ctx.audit(),
                new JvmHostFigures(ctx.metrics()),
                apiUrl(ctx, config),
                PekkoSettings.PROTOCOL,
                migrated(ctx)));
    ctx.extensions().cluster().install(node, node.lease, node.breakers, node.tasks, node.values);
    AgentPrimary primary =
        new AgentPrimary(
            node.lease, () -> ctx.extensions().serviceControls().find(config.agentService()));
    ctx.extensions().primaryGuards().register(primary);
    ctx.extensions().metricSources().register(new Figures(node));
    ctx.extensions()
        .readinessChecks()
        .register(
            new ReadinessCheck() {
              @Override
              public String name() {
                return "cluster";
              }

              @Override
              public Readiness check() {
                if (!node.refusal().isEmpty()) {
                  return new Readiness(false, node.refusal());
                }
                return node.onMajoritySide()
                    ? Readiness.ok()
                    : new Readiness(false, "not on the majority side of the cluster");
              }
            });
    Gauge.builder("nxs_cluster_members", node, n -> n.members().size())
        .description("Cluster members this node knows")
        .register(ctx.metrics());
    Gauge.builder("nxs_cluster_on_majority", node, n -> n.onMajoritySide() ? 1 : 0)
        .description("1 when this node is on the majority side of the cluster")
        .register(ctx.metrics());
    return new PekkoRuntime(node, primary);
  }

  /** The state database with the cluster's table (durable Distributed Data, ADR 0072). */
  private static io.nxs.core.state.StateStore migrated(ModuleContext ctx) {
    ctx.store().migrate("cluster");
    return ctx.store();
  }

  private static String apiUrl(ModuleContext ctx, ClusterConfig config) {
    if (!config.apiUrl().isEmpty()) {
      return config.apiUrl();
    }
    ServerConfig server = ctx.config().section(ServerConfig.SECTION);
    String host = config.advertise().host();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
  }

  @Override
  public ClusterStatus status() {
    return new ClusterStatus(
        node.localNodeId(),
        true,
        node.address(),
        node.onMajoritySide(),
        node.acceptsWork(),
        node.coordinator(),
        node.members().stream().map(ClusterStatus.Member::of).toList(),
        new ClusterStatus.Lease(
            node.lease.holder().orElse(""), node.lease.token(), node.lease.held().isPresent()),
        (int)
            node.values.conflicts().stream()
                .filter(c -> c.status() == Conflict.Status.PENDING)
                .count(),
        node.values.lastHeal().orElse(null),
        node.refusal());
  }

  @Override
  public List<ConflictView> conflicts() {
    return node.values.conflicts().stream().map(ConflictView::of).toList();
  }

  @Override
  public ConflictView decide(String id, boolean approve, String by) {
    return ConflictView.of(node.values.decide(id, approve, by));
  }

  @Override
  public void close() {
    node.leave(LEAVE_TIMEOUT);
    try {
      primary.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the agent-primary watch: " + e.getMessage(), e);
    }
  }

  /** The cluster's figures for the Doctor and its built-in cluster rules. */
  private record Figures(ClusterNode node) implements MetricSource {
    @Override
    public String name() {
      return "cluster.members";
    }

    @Override
    public List<Sample> collect() {
      long unhealthy =
          node.members().stream()
              .filter(
                  m ->
                      m.state() == NodeState.DEGRADED
                          || m.state() == NodeState.ZOMBIE
                          || m.state() == NodeState.FAILED)
              .count();
      long pending =
          node.values.conflicts().stream()
              .filter(c -> c.status() == Conflict.Status.PENDING)
              .count();
      return List.of(
          new Sample("cluster.on_majority", Map.of(), node.onMajoritySide() ? 1 : 0),
          new Sample(
              "cluster.members_active",
              Map.of(),
              node.members().stream().filter(m -> m.state().takesWork()).count()),
          new Sample("cluster.members_unhealthy", Map.of(), unhealthy),
          new Sample("cluster.flapping", Map.of(), node.heldOut()),
          new Sample("cluster.conflicts_pending", Map.of(), pending));
    }
  }
}
