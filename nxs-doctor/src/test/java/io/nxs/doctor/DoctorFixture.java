package io.nxs.doctor;

import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditLog;
import io.nxs.audit.AuditQuery;
import io.nxs.core.event.EventBus;
import io.nxs.core.event.Heartbeat;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real Doctor on a real state store and audit log in a temporary home, fed by a synthetic
 * collector whose figures the test sets, on a clock the test moves.
 */
public final class DoctorFixture implements AutoCloseable {

  public final TempHome home = TempHome.create();
  public final MutableClock clock = MutableClock.startingAt2026();
  public final StateStore store = StateStore.open(home.resolve("state.db"));
  public final AuditLog audit = AuditLog.open(store, home.resolve("keys"), clock);
  public final EventBus events = new EventBus();
  public final Extensions extensions = new Extensions();
  public final Synthetic synthetic = new Synthetic();
  public Doctor doctor;

  /** Where OpenClaw lives for a Doctor built after it is set; default OpenClaw's defaults. */
  public io.nxs.core.openclaw.OpenClaw openclaw;

  /** The exit codes {@code doctor.restart_nxs} left with; the fixture plays a supervisor. */
  public final List<Integer> exits = new java.util.concurrent.CopyOnWriteArrayList<>();

  public DoctorFixture() {
    this(DoctorConfig.defaults().withInterval(Duration.ofSeconds(10)));
  }

  public DoctorFixture(DoctorConfig config) {
    doctor = build(config);
  }

  public Doctor build(DoctorConfig config) {
    return Doctor.builder(config, store, audit, clock)
        .home(home.path())
        .events(events)
        .extensions(extensions)
        .collectors(List.of(synthetic))
        .supervisor(java.util.Optional.of("the test's supervisor"), exits::add)
        .openclaw(openclaw)
        .build();
  }

  /** Whether the fixture plays the daemon and sends a heartbeat before each tick; default yes. */
  public boolean heartbeats = true;

  /** Advances the clock by one step, sends the daemon's heartbeat, and ticks. */
  public void tick(Duration step) {
    clock.advance(step);
    if (heartbeats) {
      events.publish(new Heartbeat(clock.instant(), "daemon"));
    }
    doctor.tick();
  }

  /** Ticks every {@code step} until {@code total} has passed. */
  public void run(Duration total, Duration step) {
    for (Duration d = Duration.ZERO; d.compareTo(total) < 0; d = d.plus(step)) {
      tick(step);
    }
  }

  public List<AuditEntry> audited(String typeGlob) {
    return audit.query(AuditQuery.parse(null, typeGlob, null));
  }

  @Override
  public void close() {
    doctor.close();
    audit.close();
    home.close();
  }

  /** A collector whose samples the test sets; they are reported at every tick until changed. */
  public static final class Synthetic implements MetricSource {
    private final Map<String, MetricSource.Sample> samples = new ConcurrentHashMap<>();

    public Synthetic set(String metric, Map<String, String> labels, double value) {
      samples.put(metric + labels, new Sample(metric, labels, value));
      return this;
    }

    public Synthetic set(String metric, double value) {
      return set(metric, Map.of(), value);
    }

    public Synthetic remove(String metric, Map<String, String> labels) {
      samples.remove(metric + labels);
      return this;
    }

    public void clear() {
      samples.clear();
    }

    @Override
    public String name() {
      return "synthetic";
    }

    @Override
    public List<Sample> collect() {
      return new ArrayList<>(samples.values());
    }
  }
}
