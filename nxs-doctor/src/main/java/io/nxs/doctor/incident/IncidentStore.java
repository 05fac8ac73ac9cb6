package io.nxs.doctor.incident;

import io.nxs.core.Json;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.Jdbc;
import java.time.Instant;
import java.util.List;

/** Incidents in SQLite ({@code doctor_incidents}), each as its JSON body. */
public final class IncidentStore {

  private final Jdbc db;

  public IncidentStore(StateStore store) {
    this.db = new Jdbc(store, "the Doctor's incidents");
  }

  /** Inserts or replaces an incident. */
  public void save(Incident i) {
    db.update(
        "INSERT INTO doctor_incidents (id, body, opened_at, closed_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT(id) DO UPDATE SET body = excluded.body, closed_at = excluded.closed_at",
        u -> {
          u.setString(1, i.id());
          u.setString(2, Json.write(i));
          u.setLong(3, i.openedAt().toEpochMilli());
          Jdbc.setInstant(u, 4, i.closedAt());
        });
  }

  /** How many incidents were opened in [from, to). */
  public int countOpened(Instant from, Instant to) {
    return db.first(
            "SELECT COUNT(*) FROM doctor_incidents WHERE opened_at >= ? AND opened_at < ?",
            q -> {
              q.setLong(1, from.toEpochMilli());
              q.setLong(2, to.toEpochMilli());
            },
            rs -> rs.getInt(1))
        .orElse(0);
  }

  /** Open incidents, oldest first. */
  public List<Incident> open() {
    return db.list(
        "SELECT body FROM doctor_incidents WHERE closed_at IS NULL ORDER BY seq",
        Jdbc.Binder.NONE,
        Jdbc.json(Incident.class));
  }

  /** The newest incidents, open or closed, newest first. */
  public List<Incident> recent(int limit) {
    return db.list(
        "SELECT body FROM doctor_incidents ORDER BY seq DESC LIMIT ?",
        q -> q.setInt(1, limit),
        Jdbc.json(Incident.class));
  }
}
