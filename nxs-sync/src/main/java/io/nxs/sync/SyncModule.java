package io.nxs.sync;

import io.micrometer.core.instrument.Gauge;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.ext.RuleSource;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.time.BlockingTick;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspace sync in the daemon (SPEC SY1-SY5): a run every {@code interval} (the first shortly
 * after start), the {@code /api/v1/sync} routes, a health and metric source and the built-in "sync
 * latency over 5 minutes" rule for the Doctor, and {@code nxs_sync_*} gauges. Without {@code
 * sync.remote} it only answers that sync is off.
 */
public final class SyncModule implements NxsModule {

  private static final Logger LOG = LoggerFactory.getLogger(SyncModule.class);

  /** The Doctor rules this module ships (classpath resource). */
  static final String RULES = "io/nxs/sync/rules.yaml";

  /** How long after start the first run waits, at most (the daemon settles first). */
  static final Duration FIRST_RUN = Duration.ofSeconds(10);

  private WorkspaceSync sync;
  private SyncHealth health;
  private BlockingTick schedule;

  @Override
  public String name() {
    return "sync";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(SyncConfig.SECTION);
  }

  @Override
  public void start(ModuleContext ctx) {
    SyncConfig config = ctx.config().section(SyncConfig.SECTION);
    ctx.extensions().ruleSources().register(rules());
    if (!config.enabled()) {
      LOG.info("workspace sync is off (no sync.remote)");
      return;
    }
    WorkspaceSync.Settings settings =
        WorkspaceSync.Settings.of(
            ctx.home(), config, OpenClaw.from(ctx.config()).layout().workspace(), System.getenv());
    sync = WorkspaceSync.open(settings, ctx.store(), ctx.audit(), ctx.events(), ctx.clock());
    health = new SyncHealth(sync, ctx.clock());
    ctx.extensions().healthSources().register(health);
    ctx.extensions().metricSources().register(health);
    Gauge.builder("nxs_sync_latency_seconds", sync, WorkspaceSync::latencySeconds)
        .description("Time from a workspace change on one instance to its arrival on another")
        .register(ctx.metrics());
    Gauge.builder("nxs_sync_last_run_ok", sync, s -> s.lastRun().map(r -> r.ok() ? 1 : 0).orElse(1))
        .description("1 when the last sync completed, 0 when it failed")
        .register(ctx.metrics());
    schedule =
        BlockingTick.every(
            ctx.scheduler(),
            "sync",
            settings.interval().compareTo(FIRST_RUN) < 0 ? settings.interval() : FIRST_RUN,
            settings.interval(),
            this::scheduledRun);
    LOG.info(
        "workspace sync of {} with {} every {} s as {}",
        settings.workspace(),
        settings.remote().replaceAll("//[^/@]*@", "//"),
        settings.interval().toSeconds(),
        settings.node());
  }

  private void scheduledRun() {
    if (sync.busy()) {
      return; // a run (e.g. `nxs sync now`) is in progress; the next tick comes soon enough
    }
    try {
      SyncReport r = sync.sync(SyncListener.NONE);
      if (!r.ok()) {
        LOG.warn("scheduled sync failed: {}", r.error());
      }
    } catch (SyncException e) {
      LOG.warn("scheduled sync failed: {}", e.getMessage());
    }
  }

  /** The sync, once started with a remote; null when sync is off. */
  public WorkspaceSync sync() {
    return sync;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(new SyncRoutes(sync, health));
  }

  @Override
  public void close() {
    if (schedule != null) {
      schedule.close();
      schedule = null;
    }
  }

  /** The module's built-in Doctor rules ("sync latency over 5 minutes"), as registered. */
  public static RuleSource rules() {
    return RuleSource.ofResource("sync", "nxs-sync", SyncModule.class, RULES);
  }
}
