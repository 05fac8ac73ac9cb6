package io.nxs.vault;

import io.micrometer.core.instrument.Gauge;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.openclaw.OpenClaw;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault in the daemon: scheduled backups (each followed by a quick verify of the new snapshot
 * and a prune), daily verifies and monthly drills, the level-6 healing action "restore from
 * backup", a health and metric source for the Doctor, Micrometer gauges and the {@code
 * /api/v1/backups} routes.
 */
public final class VaultModule implements NxsModule {

  private static final Logger LOG = LoggerFactory.getLogger(VaultModule.class);

  private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
  private final AtomicBoolean busy = new AtomicBoolean();
  private Vault vault;

  private VaultHealth health;

  @Override
  public String name() {
    return "vault";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(VaultConfig.SECTION);
  }

  @Override
  public List<String> migrationFolders() {
    return List.of("vault");
  }

  @Override
  public void start(ModuleContext ctx) {
    VaultConfig config = ctx.config().section(VaultConfig.SECTION);
    config.deprecations().forEach(LOG::warn);
    vault =
        Vault.open(
            ctx.home(),
            config,
            OpenClaw.from(ctx.config()).layout(),
            ctx.store(),
            ctx.audit(),
            ctx.clock(),
            () -> ctx.extensions().backupSources().all());
    health = new VaultHealth(vault.index(), config.rpo(), ctx.clock(), config.targets().size());
    ctx.extensions()
        .healingActions()
        .register(
            new RestoreFromBackupAction(vault, ctx.home(), ctx.store(), ctx.audit(), ctx.clock()));
    ctx.extensions().healthSources().register(health);
    ctx.extensions().metricSources().register(health);
    Gauge.builder(
            "nxs_vault_last_good_age_seconds",
            health,
            h -> h.lastGoodAge().map(d -> (double) d.toSeconds()).orElse(-1.0))
        .description("Age of the newest verified snapshot; -1 when there is none")
        .register(ctx.metrics());
    Gauge.builder("nxs_vault_backup_success_ratio", health, VaultHealth::backupSuccessRate)
        .description("Share of the last 100 backups that succeeded")
        .register(ctx.metrics());
    VaultConfig.Schedule s = config.schedule();
    every(
        ctx,
        s.backup(),
        "backup",
        FIRST_BACKUP,
        () -> {
          BackupResult result = vault.create(Progress.NONE);
          health.backedUp(result);
          vault.verify(result.snapshot().id(), false, Progress.NONE);
          vault.prune(false);
        });
    every(ctx, s.verify(), "verify", s.verify(), () -> vault.verify("all", false, Progress.NONE));
    every(ctx, s.drill(), "drill", s.drill(), () -> vault.drill(Progress.NONE));
  }

  /**
   * Runs a job on a virtual thread every interval; one vault job at a time, none when zero. The
   * first run keeps the cadence across restarts: it is due one interval after the last run of its
   * kind (recorded in state.db), so a daemon restarted every day still verifies daily and drills
   * monthly; see {@link #firstDelay}.
   *
   * @param neverRan the first delay when no run of this kind was ever recorded (a fresh home)
   */
  private void every(
      ModuleContext ctx, Duration interval, String what, Duration neverRan, Runnable job) {
    if (interval.isZero()) {
      return;
    }
    long millis = interval.toMillis();
    long first =
        firstDelay(vault.lastStarted(what), interval, ctx.clock().instant(), neverRan).toMillis();
    LOG.debug("scheduled {} every {}, next in {} ms", what, interval, first);
    schedules.add(
        ctx.scheduler()
            .scheduleAtFixedRate(
                () ->
                    Thread.ofVirtual()
                        .name("vault-" + what)
                        .start(
                            () -> {
                              if (!busy.compareAndSet(false, true)) {
                                LOG.info(
                                    "scheduled {} skipped: another vault job is running", what);
                                return;
                              }
                              try {
                                job.run();
                              } catch (VaultException e) {
                                LOG.warn("scheduled {} failed: {}", what, e.getMessage());
                              } finally {
                                busy.set(false);
                              }
                            }),
                first,
                millis,
                TimeUnit.MILLISECONDS));
  }

  /** Start-up time the daemon gets before an overdue job runs. */
  static final Duration OVERDUE_GRACE = Duration.ofMinutes(1);

  /**
   * When a home that never backed up takes its first backup: soon after the first start, not a
   * whole interval later (a verify and a drill need a snapshot, so they keep their interval).
   */
  static final Duration FIRST_BACKUP = OVERDUE_GRACE;

  /**
   * How long after start the first scheduled run of a job waits: {@code neverRan} when it never
   * ran; else what is left of the interval since its last run, at least {@link #OVERDUE_GRACE} when
   * that is already over.
   */
  static Duration firstDelay(
      Optional<Instant> lastStarted, Duration interval, Instant now, Duration neverRan) {
    if (lastStarted.isEmpty()) {
      return neverRan.compareTo(interval) < 0 ? neverRan : interval;
    }
    Duration left = Duration.between(now, lastStarted.get().plus(interval));
    if (left.compareTo(interval) > 0) {
      return interval; // the clock went back: never wait longer than one interval
    }
    return left.compareTo(OVERDUE_GRACE) < 0 ? OVERDUE_GRACE : left;
  }

  /** The vault, once started. */
  public Vault vault() {
    return vault;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(new VaultRoutes(vault, health));
  }

  @Override
  public void close() {
    schedules.forEach(f -> f.cancel(false));
    schedules.clear();
    if (vault != null) {
      vault.close();
    }
  }
}
