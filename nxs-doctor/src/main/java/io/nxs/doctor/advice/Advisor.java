package io.nxs.doctor.advice;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.event.EventBus;
import io.nxs.doctor.command.ShellCommand;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.doctor.sample.Series;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scaling advice from the Doctor's own figures (SPEC DR10): on each tick it feeds the latest CPU
 * and queue figures to the {@link ScalingDecider} and gives the signals it decides — an event on
 * the bus, an audit entry and the {@code scaling.hook} command, run as {@code <hook> up|down
 * <instances> <advised>}; on request it makes the right-sizing table from the figures in the
 * Doctor's live window ({@code doctor.history.live_window}, default 1 h). The number of instances
 * comes through the core cluster port: the members that take work (1 for a single node).
 */
public final class Advisor {

  private static final Logger LOG = LoggerFactory.getLogger(Advisor.class);

  private final SampleStore samples;
  private final ClusterPorts cluster;
  private final EventBus events;
  private final AuditTrail audit;
  private final ScalingConfig config;
  private final Clock clock;
  private final ScalingDecider decider;
  private volatile ScalingSignal last;

  public Advisor(
      SampleStore samples,
      ClusterPorts cluster,
      EventBus events,
      AuditTrail audit,
      ScalingConfig config,
      Clock clock) {
    this.samples = samples;
    this.cluster = cluster;
    this.events = events;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
    this.decider = new ScalingDecider(config.minInstances(), config.maxInstances());
  }

  /** Observes the latest figures and gives a signal when one is due. */
  public synchronized Optional<ScalingSignal> tick() {
    Optional<ScalingSignal> signal =
        decider.observe(
            clock.instant(),
            samples.latest("cpu.usage_percent", Map.of()),
            samples.latest("queue.depth", Map.of()),
            instances());
    signal.ifPresent(this::give);
    return signal;
  }

  /** {@link #tick}, logging instead of throwing: it runs on the daemon's scheduler. */
  public void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("scaling advice failed this tick: {}", e.getMessage());
    }
  }

  /** The advice as shown now. */
  public Advice advice() {
    return new Advice(
        instances(),
        config.minInstances(),
        config.maxInstances(),
        figures(),
        RightSizing.of(figures()),
        last);
  }

  private int instances() {
    return (int)
        Math.max(1, cluster.view().members().stream().filter(ClusterMember::takesWork).count());
  }

  private void give(ScalingSignal s) {
    last = s;
    LOG.info(
        "scale {}: {} -> {} instances ({})",
        s.direction().name().toLowerCase(java.util.Locale.ROOT),
        s.instances(),
        s.advised(),
        s.reason());
    events.publish(s);
    audit.append(
        new AuditEvent(
            s.direction().auditType(),
            Severity.MEDIUM,
            "doctor",
            cluster.view().localNodeId(),
            Map.of("instances", s.instances(), "advised", s.advised(), "reason", s.reason())));
    if (!config.hook().isEmpty()) {
      String command =
          config.hook()
              + " "
              + s.direction().name().toLowerCase(java.util.Locale.ROOT)
              + " "
              + s.instances()
              + " "
              + s.advised();
      Thread.ofVirtual()
          .name("nxs-scaling-hook")
          .start(
              () -> {
                ShellCommand.Result r = ShellCommand.run(command, config.hookTimeout());
                if (r.ok()) {
                  LOG.info("scaling.hook ran: {}", r.summary());
                } else {
                  LOG.warn("scaling.hook failed: {}", r.summary());
                }
              });
    }
  }

  /** The figures of the live window: averages, cores, total memory and the idle share. */
  RightSizing.Figures figures() {
    long since = clock.millis() - Duration.ofDays(1).toMillis();
    Series.Points cpu = points("cpu.usage_percent", since);
    Series.Points mem = points("memory.used_percent", since);
    Duration span =
        cpu.size() < 2
            ? Duration.ZERO
            : Duration.ofMillis(cpu.times()[cpu.size() - 1] - cpu.times()[0]);
    double cores = samples.latest("cpu.cores", Map.of());
    double total = samples.latest("memory.total_mb", Map.of());
    return new RightSizing.Figures(
        span,
        average(cpu),
        Double.isNaN(cores) ? 0 : (int) cores,
        average(mem),
        Double.isNaN(total) ? 0 : total,
        idleShare(cpu, since));
  }

  private double idleShare(Series.Points cpu, long since) {
    if (cpu.size() == 0) {
      return Double.NaN;
    }
    Series.Points queue = points("queue.depth", since);
    int idle = 0;
    int q = 0;
    for (int i = 0; i < cpu.size(); i++) {
      while (q + 1 < queue.size() && queue.times()[q + 1] <= cpu.times()[i]) {
        q++;
      }
      boolean empty = queue.size() == 0 || queue.values()[q] == 0;
      if (cpu.values()[i] < RightSizing.IDLE_CPU && empty) {
        idle++;
      }
    }
    return (double) idle / cpu.size();
  }

  private Series.Points points(String metric, long since) {
    Series s = samples.seriesOf(metric).get(Map.of());
    return s == null ? new Series.Points(new long[0], new double[0]) : s.since(since);
  }

  private static double average(Series.Points p) {
    if (p.size() == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : p.values()) {
      sum += v;
    }
    return sum / p.size();
  }
}
