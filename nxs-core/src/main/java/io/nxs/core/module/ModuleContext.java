package io.nxs.core.module;

import io.micrometer.core.instrument.MeterRegistry;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.secrets.Secrets;
import io.nxs.core.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Everything the daemon hands a module when it starts.
 *
 * @param home the NXS home directory ({@code $NXS_HOME}, default {@code ~/.nxs})
 * @param config the loaded configuration; read your sections with {@code config.section(...)}
 * @param store the shared SQLite state store; migrate your own tables with {@code
 *     store.migrate("<module>")}
 * @param audit where to record audit events
 * @param events the in-process event bus
 * @param metrics the meter registry scraped at {@code /metrics}
 * @param extensions the extension points to register with and look up from
 * @param clock the one clock; never call {@code Instant.now()} directly
 * @param scheduler shared scheduler for periodic work (probes, collection); runs tasks on platform
 *     threads, so hand blocking work to a virtual thread
 * @param secrets the home's {@code secrets.yaml}; bind your section with {@code secrets.bind(...)},
 *     never read the file yourself
 */
public record ModuleContext(
    Path home,
    NxsConfig config,
    StateStore store,
    AuditTrail audit,
    EventBus events,
    MeterRegistry metrics,
    Extensions extensions,
    Clock clock,
    ScheduledExecutorService scheduler,
    Secrets secrets) {

  /** A context whose secrets are those of {@code home/secrets.yaml}. */
  public ModuleContext(
      Path home,
      NxsConfig config,
      StateStore store,
      AuditTrail audit,
      EventBus events,
      MeterRegistry metrics,
      Extensions extensions,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this(
        home,
        config,
        store,
        audit,
        events,
        metrics,
        extensions,
        clock,
        scheduler,
        Secrets.inHome(home));
  }
}
