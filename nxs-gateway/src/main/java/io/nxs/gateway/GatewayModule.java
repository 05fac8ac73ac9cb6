package io.nxs.gateway;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.gateway.internal.Gateway;
import io.nxs.gateway.internal.KeyRotationScheduler;
import io.nxs.gateway.internal.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider gateway (SPEC GW1-GW12): an OpenAI-compatible endpoint in front of a chain of
 * upstream providers with breakers, retries, hedging and failover.
 */
public final class GatewayModule implements NxsModule {

  private final Map<String, String> env;
  private static final Logger LOG = LoggerFactory.getLogger(GatewayModule.class);

  private GatewayConfig config;
  private Telemetry telemetry;
  private Gateway gateway;
  private KeyRotationScheduler keyRotation;
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

  private final List<HttpRoutes> routes = new ArrayList<>();

  /** The daemon's constructor: {@code ${ENV}} in a providers file expands from the process. */
  public GatewayModule() {
    this(System.getenv());
  }

  /** For tests: expand {@code ${ENV}} in a providers file from {@code env}. */
  public GatewayModule(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(
        ProvidersConfig.SECTION,
        FailoverConfig.SECTION,
        ModelRoutes.SECTION,
        ProvidersFile.SECTION,
        BudgetsConfig.SECTION,
        ResidencyConfig.SECTION,
        ForwardingConfig.SECTION);
  }

  @Override
  public List<String> migrationFolders() {
    return List.of("gateway");
  }

  @Override
  public void start(ModuleContext context) {
    config = GatewayConfig.from(context.config(), context.home(), env);
    context.store().migrate("gateway");
    telemetry =
        new Telemetry(context.events(), context.audit(), context.metrics(), context.clock());
    gateway =
        new Gateway(
            config,
            context.config().section(BudgetsConfig.SECTION),
            context.config().section(ResidencyConfig.SECTION),
            context.store(),
            telemetry,
            new SplittableRandom(),
            context.secrets());
    gateway.register(context.extensions());
    gateway.joinCluster(
        context.extensions().cluster(), context.config().section(ForwardingConfig.SECTION));
    routes.addAll(gateway.routes());
    ScheduledExecutorService scheduler = context.scheduler();
    tasks.add(scheduler.scheduleWithFixedDelay(this::flushUsage, 1, 1, TimeUnit.SECONDS));
    tasks.add(
        scheduler.scheduleWithFixedDelay(
            () -> background("credential maintenance", gateway::maintainCredentials),
            2,
            2,
            TimeUnit.SECONDS));
    keyRotation = new KeyRotationScheduler(gateway, context.store(), telemetry);
    if (keyRotation.enabled()) {
      // Rotation commands may take their time limit: the scheduler only hands them on (SEC5).
      tasks.add(
          scheduler.scheduleWithFixedDelay(
              () ->
                  Thread.ofVirtual()
                      .name("nxs-gateway-key-rotation")
                      .start(() -> background("scheduled key rotation", keyRotation::check)),
              1,
              60,
              TimeUnit.MINUTES));
    }
    long probeMillis = config.failover().probeInterval().toMillis();
    // Probes block on the network: the scheduler only hands them to a virtual thread.
    tasks.add(
        scheduler.scheduleWithFixedDelay(
            () ->
                Thread.ofVirtual()
                    .name("nxs-gateway-probes")
                    .start(() -> background("provider probes", gateway::probeAll)),
            probeMillis,
            probeMillis,
            TimeUnit.MILLISECONDS));
  }

  private static void background(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("gateway {} failed: {}", what, e.getMessage());
    }
  }

  private void flushUsage() {
    try {
      gateway.flush();
    } catch (RuntimeException e) {
      LOG.warn("usage totals not written yet: {}", e.getMessage());
    }
  }

  /** The running gateway (after {@link #start}). */
  public Gateway gateway() {
    return gateway;
  }

  /** Scheduled key rotation (after {@link #start}); checked hourly when any provider has one. */
  public KeyRotationScheduler keyRotation() {
    return keyRotation;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.copyOf(routes);
  }

  @Override
  public synchronized void close() {
    tasks.forEach(t -> t.cancel(false));
    tasks.clear();
    if (gateway != null) {
      gateway.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
  }
}
