package io.nxs.cluster;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.module.ModuleContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Starts the cluster module disabled, answers its status and stops: run in a child JVM that logs
 * every class it loads, so the test can see that no Pekko class was.
 */
public final class DisabledClusterMain {

  public static void main(String[] args) {
    var config = new ConfigLoader(List.of(ClusterConfig.SECTION), Map.of()).defaults();
    Extensions extensions = new Extensions();
    var scheduler = Executors.newSingleThreadScheduledExecutor();
    ClusterModule module = new ClusterModule();
    module.start(
        new ModuleContext(
            Path.of("."),
            config,
            null,
            e -> 1,
            new EventBus(),
            new SimpleMeterRegistry(),
            extensions,
            Clock.systemUTC(),
            scheduler));
    module.routes();
    String state = module.control().status().members().getFirst().state();
    extensions.metricSources().all().forEach(MetricSourceCheck::collect);
    module.close();
    scheduler.shutdown();
    System.out.println("status " + state);
  }

  private static final class MetricSourceCheck {
    static void collect(io.nxs.core.ext.MetricSource s) {
      s.collect();
    }
  }
}
