package io.nxs.core.http;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.javalin.security.RouteRole;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.ext.MetricSource;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's memory-pressure gate (SPEC RO5: degrade under a memory limit, never be OOM-killed):
 * above a high-water mark of heap still in use after a collection, the HTTP server refuses new
 * expensive work ({@code /v1/*}, routes tagged {@link Load#HEAVY}) with 503 and {@code
 * Retry-After}; below a low-water mark it accepts again. Health, status, audit and admin routes are
 * never refused.
 *
 * <p>Design note: fed by the JVM's own figures, not by a polling thread. Every garbage collector
 * emits a notification at the end of each collection with each pool's usage after it; the listener
 * sums the heap pools. Only a collection that took in the old generation (anything but "end of
 * minor GC") can close the gate, since the old generation's usage after a young collection still
 * holds garbage; any collection can open it again, since its figure is an upper bound. While the
 * gate is closed, and only then, a check every {@link #RECHECK_SECONDS} s asks the JVM for a
 * collection when none happened since the last check: a daemon whose load stopped allocates
 * nothing, so nothing else would tell it that memory is free again. A request pays one volatile
 * read ({@link #high()}).
 */
public final class MemoryPressure implements MetricSource, AutoCloseable {

  /** A route tag: refused while memory is under pressure (score uploads, migrations). */
  public enum Load implements RouteRole {
    /** Work whose memory grows with its input. */
    HEAVY
  }

  /** Heap fraction after a collection at or above which new expensive work is refused. */
  public static final double HIGH_WATER = 0.80;

  /** Heap fraction after a collection at or below which it is accepted again. */
  public static final double LOW_WATER = 0.60;

  /** What a refused client is told to wait, in seconds. */
  public static final int RETRY_AFTER_SECONDS = 5;

  /** How often a closed gate asks for a collection when none happened on its own. */
  static final long RECHECK_SECONDS = 1;

  /** A gate that never closes: for servers not wired to the JVM's figures (tests, tools). */
  public static final MemoryPressure NEVER = new MemoryPressure(HIGH_WATER, LOW_WATER, () -> {});

  private static final Logger LOG = LoggerFactory.getLogger(MemoryPressure.class);

  private final double highWater;
  private final double lowWater;
  private final Runnable collect;
  private final AtomicLong collections = new AtomicLong();
  private final List<Consumer<Boolean>> listeners = new ArrayList<>();
  private final List<Runnable> detach = new ArrayList<>();
  private volatile boolean high;
  private volatile double lastFraction;
  private ScheduledExecutorService scheduler;
  private ScheduledFuture<?> rechecking;
  private long collectionsAtLastCheck;

  /**
   * A gate fed by {@link #afterCollection}; {@link #watchJvm} feeds it this JVM's collections.
   *
   * @param highWater heap fraction after an old-generation collection that closes the gate
   * @param lowWater heap fraction after any collection that opens it again
   * @param collect asks for a collection while the gate is closed and none happened (the JVM's
   *     {@code System::gc} in the daemon)
   */
  public MemoryPressure(double highWater, double lowWater, Runnable collect) {
    if (!(0 < lowWater && lowWater < highWater && highWater < 1)) {
      throw new IllegalArgumentException(
          "memory pressure marks must be 0 < low < high < 1, not " + lowWater + ", " + highWater);
    }
    this.highWater = highWater;
    this.lowWater = lowWater;
    this.collect = collect;
  }

  /**
   * The gate on this JVM's heap: listens to every garbage collector's notifications, and rechecks
   * on {@code scheduler} while closed. {@link #close} detaches it.
   */
  public static MemoryPressure watchJvm(ScheduledExecutorService scheduler) {
    MemoryPressure gate = new MemoryPressure(HIGH_WATER, LOW_WATER, System::gc);
    gate.scheduler = scheduler;
    Set<String> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    NotificationListener listener =
        (Notification n, Object handback) -> {
          if (n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)
              && n.getUserData() instanceof CompositeData data) {
            gate.collected(GarbageCollectionNotificationInfo.from(data), heapPools);
          }
        };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        gate.detach.add(
            () -> {
              try {
                emitter.removeNotificationListener(listener);
              } catch (ListenerNotFoundException gone) {
                LOG.debug("GC listener of {} already removed", gc.getName(), gone);
              }
            });
      }
    }
    return gate;
  }

  private void collected(GarbageCollectionNotificationInfo info, Set<String> heapPools) {
    long used = 0;
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    afterCollection(!"end of minor GC".equals(info.getGcAction()), used, max);
  }

  /**
   * Takes the figures of one finished collection.
   *
   * @param tookOldGeneration whether the collection took in the old generation (its figure holds no
   *     garbage there)
   * @param usedAfter heap bytes in use after it
   * @param max the heap's limit in bytes; unknown (≤ 0) figures are ignored
   */
  public void afterCollection(boolean tookOldGeneration, long usedAfter, long max) {
    if (max <= 0) {
      return;
    }
    collections.incrementAndGet();
    double fraction = (double) usedAfter / max;
    lastFraction = fraction;
    if (!high && tookOldGeneration && fraction >= highWater) {
      change(true, fraction);
    } else if (high && fraction <= lowWater) {
      change(false, fraction);
    }
  }

  /** Whether new expensive work is refused now: the one read a request pays. */
  public boolean high() {
    return high;
  }

  /** The refusal a request gets while {@link #high()}: 503 with {@code Retry-After}. */
  public ApiException refusal() {
    return new ApiException(
        503,
        "server_error",
        "memory_pressure",
        "NXS is short of memory and refuses new model requests, uploads and migrations for now:"
            + " retry in "
            + RETRY_AFTER_SECONDS
            + "s",
        Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
  }

  /** Hears each change: true when the gate closes, false when it opens again. */
  public synchronized void onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  private synchronized void change(boolean nowHigh, double fraction) {
    if (high == nowHigh) {
      return;
    }
    high = nowHigh;
    long percent = Math.round(fraction * 100);
    if (nowHigh) {
      LOG.warn(
          "memory pressure: heap {}% full after a collection; refusing new expensive work",
          percent);
      collectionsAtLastCheck = collections.get();
      if (scheduler != null) {
        rechecking =
            scheduler.scheduleWithFixedDelay(
                this::recheck, RECHECK_SECONDS, RECHECK_SECONDS, TimeUnit.SECONDS);
      }
    } else {
      LOG.info("memory pressure over: heap {}% full after a collection; accepting work", percent);
      if (rechecking != null) {
        rechecking.cancel(false);
        rechecking = null;
      }
    }
    for (Consumer<Boolean> l : listeners) {
      l.accept(nowHigh);
    }
  }

  /**
   * While the gate is closed: asks for a collection when none happened since the last check, so a
   * daemon whose load stopped learns that its memory is free again.
   */
  synchronized void recheck() {
    long now = collections.get();
    boolean idle = now == collectionsAtLastCheck;
    collectionsAtLastCheck = now;
    if (high && idle) {
      collect.run();
    }
  }

  /**
   * The audit entry of a change: {@code nxs.memory_pressure} (HIGH) when the gate closes, {@code
   * nxs.memory_pressure_ended} (INFO) when it opens again.
   */
  public AuditEvent auditEvent(boolean nowHigh) {
    return new AuditEvent(
        nowHigh ? "nxs.memory_pressure" : "nxs.memory_pressure_ended",
        nowHigh ? Severity.HIGH : Severity.INFO,
        "nxs",
        "heap",
        Map.of(
            "heap_after_gc_percent",
            Math.round(lastFraction * 100),
            "refusing",
            nowHigh ? "/v1/*, uploads, migrations" : ""));
  }

  /** {@code nxs_memory_pressure} on {@code /metrics}: 1 while refusing. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("nxs.memory.pressure", this, p -> p.high ? 1 : 0)
        .description("1 while NXS refuses new expensive work for want of memory")
        .register(registry);
  }

  @Override
  public String name() {
    return "memory-pressure";
  }

  /** {@code nxs.memory_pressure} (1 while refusing) and {@code nxs.heap_after_gc_percent}. */
  @Override
  public List<Sample> collect() {
    return List.of(
        new Sample("nxs.memory_pressure", Map.of(), high ? 1 : 0),
        new Sample("nxs.heap_after_gc_percent", Map.of(), Math.round(lastFraction * 1000) / 10.0));
  }

  @Override
  public synchronized void close() {
    detach.forEach(Runnable::run);
    detach.clear();
    if (rechecking != null) {
      rechecking.cancel(false);
      rechecking = null;
    }
  }
}
