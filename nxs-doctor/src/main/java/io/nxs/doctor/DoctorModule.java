package io.nxs.doctor;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.heal.RestartNxsAction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Doctor as a daemon module: reads {@code doctor:}, builds the {@link Doctor} and runs its tick
 * every {@code doctor.interval} (SPEC DR1-DR9).
 */
public final class DoctorModule implements NxsModule {

  private static final Logger LOG = LoggerFactory.getLogger(DoctorModule.class);

  private Doctor doctor;
  private ScheduledFuture<?> ticker;
  private io.nxs.doctor.advice.Advisor advisor;
  private ScheduledFuture<?> advising;
  private java.util.concurrent.ExecutorService actions;

  @Override
  public String name() {
    return "doctor";
  }

  /**
   * Loads the rules (parsing and compiling the built-ins was the largest part of the Doctor's
   * start) once the daemon serves, on a thread of its own, so the first tick finds them ready; a
   * request that needs them before that waits for the load, and the tick, which begins one interval
   * after the start, loads them itself should this have failed (ADR 0064).
   */
  @Override
  public void serving() {
    Doctor started = doctor;
    if (started == null) {
      return;
    }
    Thread.ofVirtual()
        .name("doctor-rules")
        .start(
            () -> {
              try {
                started.rules().current();
              } catch (RuntimeException e) {
                // Logged, not thrown: the tick and the rule routes meet the same failure and
                // report it where it is seen.
                LOG.error("the Doctor could not load its rules", e);
              }
            });
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(DoctorConfig.SECTION, io.nxs.doctor.advice.ScalingConfig.SECTION);
  }

  @Override
  public List<String> migrationFolders() {
    return List.of("doctor");
  }

  @Override
  public void start(ModuleContext context) {
    DoctorConfig config = context.config().section(DoctorConfig.SECTION);
    actions = Executors.newVirtualThreadPerTaskExecutor();
    doctor =
        Doctor.create(
            context,
            config,
            actions,
            RestartNxsAction.supervisorFrom(System.getenv()),
            // Leave a moment later, from another thread: the attempt is recorded as verifying
            // first, and System.exit runs the daemon's shutdown hook (a graceful stop).
            code -> context.scheduler().schedule(() -> System.exit(code), 2, TimeUnit.SECONDS));
    doctor
        .openclawSupervisor()
        .ifPresent(s -> context.extensions().serviceControls().register(s.control()));
    advisor =
        new io.nxs.doctor.advice.Advisor(
            doctor.samples(),
            context.extensions().cluster(),
            context.events(),
            context.audit(),
            context.config().section(io.nxs.doctor.advice.ScalingConfig.SECTION),
            context.clock());
    if (!config.enabled()) {
      LOG.info("the Doctor is disabled (doctor.enabled: false)");
      return;
    }
    registerGauges(context);
    Duration interval = config.interval();
    ticker =
        context
            .scheduler()
            .scheduleAtFixedRate(
                doctor::tickSafely,
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    advising =
        context
            .scheduler()
            .scheduleAtFixedRate(
                advisor::tickSafely,
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  private void registerGauges(ModuleContext context) {
    var registry = context.metrics();
    io.micrometer.core.instrument.Gauge.builder(
            "nxs.doctor.health.score", doctor, d -> d.health().score())
        .description("The Doctor's overall health score, 0-100")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "nxs.doctor.alerts.firing",
            doctor,
            d -> d.alerts().open().stream().filter(a -> a.state().active()).count())
        .description("Firing or acknowledged alerts")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "nxs.doctor.incidents.open", doctor, d -> d.openIncidents().size())
        .description("Open incidents")
        .register(registry);
    for (String kpi : io.nxs.doctor.kpi.Kpis.TARGETS.keySet()) {
      io.micrometer.core.instrument.Gauge.builder(
              "nxs.doctor.kpi",
              doctor,
              d -> {
                Object v = d.kpis().get(kpi);
                return v instanceof Number n ? n.doubleValue() : Double.NaN;
              })
          .tag("kpi", kpi)
          .description("Resilience KPIs of seed 002 §5")
          .register(registry);
    }
  }

  /** The running Doctor; null before {@link #start}. */
  public Doctor doctor() {
    return doctor;
  }

  @Override
  public List<HttpRoutes> routes() {
    return doctor == null
        ? List.of()
        : List.of(new DoctorRoutes(doctor), new io.nxs.doctor.advice.AdviceRoutes(advisor));
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
    if (advising != null) {
      advising.cancel(false);
      advising = null;
    }
    if (doctor != null) {
      doctor.close();
    }
    if (actions != null) {
      actions.shutdown();
    }
  }
}
