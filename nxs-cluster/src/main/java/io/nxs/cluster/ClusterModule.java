package io.nxs.cluster;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.ext.RuleSource;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Many instances as one (SPEC CL1-CL7). Off by default: with {@code cluster.enabled: false} the
 * module only publishes the task queue's {@code queue.depth} and answers {@code /api/v1/cluster}
 * for a single node — no Pekko class is loaded, so a single node starts as fast as without it.
 * Enabled, it starts a Pekko cluster node and installs the cluster's ports (membership view,
 * agent-primary lease, shared breakers, task queue, shared state) for the other modules.
 *
 * <p>Start it before the modules that use the ports, so they see the cluster's from the start.
 */
public final class ClusterModule implements NxsModule {

  /** The diagnostic task type every node runs: returns its payload and where it ran. */
  public static final String ECHO_TASK = "cluster.echo";

  private volatile ClusterControl control;
  private ModuleContext context;

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(ClusterConfig.SECTION);
  }

  @Override
  public void start(ModuleContext ctx) {
    this.context = ctx;
    ClusterConfig config = ctx.config().section(ClusterConfig.SECTION);
    ctx.extensions().metricSources().register(queueDepth(ctx));
    if (!config.enabled()) {
      control = new SingleNodeControl(ctx.extensions().cluster());
      return;
    }
    // The only place Pekko is reached from: the call resolves io.nxs.cluster.internal lazily,
    // so a disabled cluster never loads its classes.
    control = io.nxs.cluster.internal.PekkoRuntime.start(ctx, config);
    ctx.extensions().ruleSources().register(rules());
    ctx.extensions()
        .cluster()
        .tasks()
        .handle(
            ECHO_TASK,
            task ->
                "echo from "
                    + ctx.extensions().cluster().view().localNodeId()
                    + ": "
                    + task.payload());
  }

  private static MetricSource queueDepth(ModuleContext ctx) {
    return new MetricSource() {
      @Override
      public String name() {
        return "cluster";
      }

      @Override
      public List<Sample> collect() {
        List<Sample> out = new ArrayList<>();
        out.add(
            new Sample("queue.depth", Map.of(), ctx.extensions().cluster().tasks().localDepth()));
        return out;
      }
    };
  }

  private static RuleSource rules() {
    return RuleSource.ofResource(
        "cluster", "nxs-cluster", ClusterModule.class, "io/nxs/cluster/rules.yaml");
  }

  /** The cluster's control, once started (for the CLI's in-process use and tests). */
  public ClusterControl control() {
    return control;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(new ClusterRoutes(() -> control, context.extensions().cluster()));
  }

  @Override
  public void close() {
    ClusterControl c = control;
    control = null;
    if (c != null) {
      c.close();
    }
  }
}
