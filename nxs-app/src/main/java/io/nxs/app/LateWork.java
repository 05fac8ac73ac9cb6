package io.nxs.app;

import io.nxs.core.module.NxsModule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modules' {@link NxsModule#serving} work, begun a moment after the daemon serves rather than
 * at once: the first requests after the port opens (a supervisor's {@code /readyz}, the first
 * clients) run while the JIT compilers still fill both cores, and the background work that
 * readiness does not wait for (the Doctor's rules) would take its CPU from them (ADR 0069; the
 * score module's golden check waits longer, for the first score of each kind: ADR 0095). A module's
 * first use of that work before then does it itself, as before.
 *
 * <p>Cancelled by {@link #cancel} when the daemon closes first: no module hears {@code serving()}
 * after its {@code close()} (the two are mutually exclusive on this object's lock).
 */
final class LateWork {

  /** How long after the daemon serves its modules' background work begins. */
  static final Duration DELAY = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(LateWork.class);

  private final List<NxsModule> modules;
  private ScheduledFuture<?> scheduled;
  private boolean cancelled;

  private LateWork(List<NxsModule> modules) {
    this.modules = List.copyOf(modules);
  }

  /** Calls every module's {@code serving()}, in start order, {@code delay} from now. */
  static LateWork begin(
      List<NxsModule> modules, ScheduledExecutorService scheduler, Duration delay) {
    LateWork work = new LateWork(modules);
    synchronized (work) {
      work.scheduled = scheduler.schedule(work::run, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    return work;
  }

  private synchronized void run() {
    if (cancelled) {
      return;
    }
    for (NxsModule module : modules) {
      try {
        module.serving();
      } catch (RuntimeException e) {
        // The daemon serves already: a module that cannot begin its late work says so, and
        // its readiness check and its own first use report what is missing.
        LOG.error("module {} could not begin its background work", module.name(), e);
      }
    }
  }

  /**
   * Makes sure no {@code serving()} is called from now on; waits for one that is under way (they
   * only begin threads, so briefly). Safe to call twice.
   */
  synchronized void cancel() {
    cancelled = true;
    scheduled.cancel(false);
  }
}
