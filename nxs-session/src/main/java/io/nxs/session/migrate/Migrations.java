package io.nxs.session.migrate;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.state.StateStore;
import io.nxs.session.SessionConfig;
import io.nxs.session.SessionException;
import io.nxs.session.store.OpenClawTools;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Live migration of OpenClaw's sessions between two NXS daemons (SPEC SE2-SE3): the outgoing
 * (source) and incoming (target) sides, the fence, and the records both keep in state.db.
 */
public final class Migrations {

  private final MigrationContext ctx;
  private final OutgoingMigrations outgoing;
  private final IncomingMigrations incoming;
  private final Fence fence;

  /**
   * @param instance this instance's name for the peer and the audit log (its host name)
   */
  public Migrations(
      StateStore store,
      SessionConfig config,
      OpenClawTools tools,
      Path staging,
      Clock clock,
      AuditTrail audit,
      EventBus events,
      Extensions extensions,
      String instance) {
    MigrationStore tables = new MigrationStore(store, clock);
    this.ctx =
        new MigrationContext(
            tables, config, tools, staging, clock, audit, events, extensions, instance);
    this.outgoing = new OutgoingMigrations(ctx);
    this.incoming = new IncomingMigrations(ctx);
    this.fence = new Fence(tables);
  }

  /** Starts a migration to the NXS at {@code to}; see {@link OutgoingMigrations#start}. */
  public MigrationRecord start(URI to, Path keyFile, String agent) {
    return outgoing.start(to, keyFile, agent);
  }

  /** Continues a migration that stopped while transferring. */
  public MigrationRecord resume(String id) {
    return outgoing.resume(id);
  }

  /** Resumes what a restart interrupted, on both sides. */
  public void resumeAll() {
    incoming.resume();
    outgoing.resumeAll();
  }

  /** The target side, for the incoming routes. */
  public IncomingMigrations incoming() {
    return incoming;
  }

  /** The guard that keeps a fenced source from running the agent. */
  public Fence fence() {
    return fence;
  }

  /** Every migration this instance took part in, newest first. */
  public List<MigrationRecord> all() {
    return ctx.store.all();
  }

  /** One migration by id (the source's record when this instance was both). */
  public Optional<MigrationRecord> find(String id) {
    return ctx.store
        .find(id, OutgoingMigrations.ROLE)
        .or(() -> ctx.store.find(id, IncomingMigrations.ROLE));
  }

  /** The fence, when this instance is fenced. */
  public Optional<MigrationStore.FenceRow> fenced() {
    return ctx.store.fenceRow();
  }

  /**
   * Lifts the fence: this instance may run the agent as primary again. The operator's word that the
   * other copy no longer accepts writes.
   *
   * @return the fence that was lifted
   * @throws SessionException when there is none
   */
  public MigrationStore.FenceRow unfence(String actor) {
    MigrationStore.FenceRow f =
        ctx.store.fenceRow().orElseThrow(() -> new SessionException("this instance is not fenced"));
    ctx.store.unfence();
    ctx.audit(
        "session.unfence",
        Severity.HIGH,
        f.peer(),
        Map.of("id", f.migrationId(), "by", actor == null ? "operator" : actor));
    return f;
  }
}
