package io.nxs.rollout.drill;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.ext.RuleSource;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.time.BlockingTick;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery drills on a schedule (SPEC RO5): reads {@code drills.schedule}, owns the {@code
 * drill_runs} table, and once a minute runs the due drills ({@link DrillSchedule}) on a virtual
 * thread, one drill at a time, each on its own scratch instance. Registers the {@code drill.failed}
 * figure and the {@code drill-failed} rule.
 */
public final class DrillModule implements NxsModule {

  /** How often the schedule is looked at. */
  static final Duration TICK = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(DrillModule.class);

  private final List<String> nxs;
  private final byte[] defaultConfig;
  private DrillSchedule schedule;
  private BlockingTick ticking;

  /**
   * @param nxs the command that runs this build's CLI (java first, then its flags, class path and
   *     main class), for the scratch daemons
   * @param defaultConfig the default {@code nxs.yaml} the drills start from
   */
  public DrillModule(List<String> nxs, byte[] defaultConfig) {
    this.nxs = List.copyOf(nxs);
    this.defaultConfig = defaultConfig.clone();
  }

  @Override
  public String name() {
    return DrillRuns.MODULE;
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(DrillsConfig.SECTION);
  }

  @Override
  public List<String> migrationFolders() {
    return List.of(DrillRuns.MODULE);
  }

  @Override
  public void start(ModuleContext ctx) {
    DrillsConfig config = ctx.config().section(DrillsConfig.SECTION);
    DrillRuns runs = DrillRuns.migrated(ctx.store());
    schedule =
        new DrillSchedule(
            config.schedule(),
            Drill.all(),
            drill -> drill.run(nxs, defaultConfig, ctx.clock()),
            runs,
            ctx.audit(),
            ctx.clock());
    ctx.extensions().metricSources().register(schedule.metrics());
    ctx.extensions().ruleSources().register(rules());
    if (config.schedule().isEmpty()) {
      return;
    }
    ticking = BlockingTick.every(ctx.scheduler(), "drill-schedule", TICK, this::tick);
  }

  /** The {@code drill-failed} rule this module ships to the Doctor. */
  public static RuleSource rules() {
    return RuleSource.ofResource(
        DrillRuns.MODULE, "nxs-rollout", DrillModule.class, "io/nxs/rollout/drill/rules.yaml");
  }

  private void tick() {
    for (DrillReport report : schedule.tick()) {
      if (report.passed()) {
        LOG.info(
            "scheduled drill {} passed in {} ms", report.drill(), report.duration().toMillis());
      } else {
        LOG.warn("scheduled drill {} FAILED:\n{}", report.drill(), report.toText());
      }
    }
  }

  @Override
  public List<HttpRoutes> routes() {
    return NxsModule.noRoutes();
  }

  @Override
  public void close() {
    BlockingTick t = ticking;
    ticking = null;
    if (t != null) {
      t.close();
    }
  }
}
