package io.nxs.doctor.openclaw;

import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.Jdbc;
import java.time.Clock;
import java.util.Optional;

/**
 * Whether one supervised service is held stopped, and why, kept in the Doctor's table {@code
 * doctor_service_holds}: a hold outlives a restart of the daemon (a migrated agent's gateway stays
 * stopped until someone starts it through its {@code ServiceControl}). Written before it is
 * believed; read once, at construction.
 */
public final class ServiceHold {

  private final Jdbc db;
  private final Clock clock;
  private final String service;
  private volatile String reason;

  /** The hold of {@code service}, as the table has it (the Doctor's migrations have run). */
  public ServiceHold(StateStore store, Clock clock, String service) {
    this.db = new Jdbc(store, "the held services");
    this.clock = clock;
    this.service = service;
    this.reason =
        db.first(
                "SELECT reason FROM doctor_service_holds WHERE service = ?",
                s -> s.setString(1, service),
                rs -> rs.getString(1))
            .orElse(null);
  }

  /** Why it is held stopped, or empty. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** Holds it stopped for {@code why} (replacing an earlier reason). */
  public void hold(String why) {
    db.update(
        "INSERT INTO doctor_service_holds (service, reason, held_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (service) DO UPDATE SET reason = excluded.reason,"
            + " held_at = excluded.held_at",
        s -> {
          s.setString(1, service);
          s.setString(2, why);
          s.setLong(3, clock.millis());
        });
    reason = why;
  }

  /** Lets it be started again. */
  public void release() {
    db.update("DELETE FROM doctor_service_holds WHERE service = ?", s -> s.setString(1, service));
    reason = null;
  }
}
