package io.nxs.core.time;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic job that blocks (majority writes, installs, whole scratch daemons, a sync over the
 * network): each run on its own virtual thread so the daemon's shared scheduler is never held,
 * never two runs at once (a period that comes while one runs is skipped), and a run that fails is
 * logged and the next one runs.
 */
public final class BlockingTick implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BlockingTick.class);

  private final AtomicBoolean busy = new AtomicBoolean();
  private final String name;
  private final Runnable job;
  private final ScheduledFuture<?> ticking;

  private BlockingTick(
      ScheduledExecutorService scheduler,
      String name,
      Duration first,
      Duration period,
      Runnable job) {
    this.name = name;
    this.job = job;
    this.ticking =
        scheduler.scheduleWithFixedDelay(
            this::start, first.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code job} every {@code period}, the first time one period from now. */
  public static BlockingTick every(
      ScheduledExecutorService scheduler, String name, Duration period, Runnable job) {
    return new BlockingTick(scheduler, name, period, period, job);
  }

  /** Runs {@code job} every {@code period}, the first time {@code first} from now. */
  public static BlockingTick every(
      ScheduledExecutorService scheduler,
      String name,
      Duration first,
      Duration period,
      Runnable job) {
    return new BlockingTick(scheduler, name, first, period, job);
  }

  private void start() {
    if (busy.compareAndSet(false, true)) {
      Thread.ofVirtual().name(name).start(this::run);
    }
  }

  private void run() {
    try {
      job.run();
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", name, e.getMessage(), e);
    } finally {
      busy.set(false);
    }
  }

  /** No run starts after this; one already running finishes. */
  @Override
  public void close() {
    ticking.cancel(false);
  }
}
