package io.nxs.doctor.incident;

import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.JsonRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Incidents in SQLite ({@code doctor_incidents}), each as its JSON body. */
public final class IncidentStore {

  private final StateStore store;

  public IncidentStore(StateStore store) {
    this.store = store;
  }

  /** Inserts or replaces an incident. */
  public void save(Incident i) {
    try (Connection c = store.connect();
        PreparedStatement u =
            c.prepareStatement(
                "INSERT INTO doctor_incidents (id, body, opened_at, closed_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT(id) DO UPDATE SET body = excluded.body, closed_at = excluded.closed_at")) {
      u.setString(1, i.id());
      u.setString(2, Json.write(i));
      u.setLong(3, i.openedAt().toEpochMilli());
      if (i.closedAt() == null) {
        u.setNull(4, java.sql.Types.INTEGER);
      } else {
        u.setLong(4, i.closedAt().toEpochMilli());
      }
      u.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException("cannot write the Doctor's incidents: " + e.getMessage(), e);
    }
  }

  /** How many incidents were opened in [from, to). */
  public int countOpened(Instant from, Instant to) {
    try (Connection c = store.connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT COUNT(*) FROM doctor_incidents WHERE opened_at >= ? AND opened_at < ?")) {
      q.setLong(1, from.toEpochMilli());
      q.setLong(2, to.toEpochMilli());
      try (ResultSet rs = q.executeQuery()) {
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new NxsException("cannot read the Doctor's incidents: " + e.getMessage(), e);
    }
  }

  /** Open incidents, oldest first. */
  public List<Incident> open() {
    return query("SELECT body FROM doctor_incidents WHERE closed_at IS NULL ORDER BY seq", -1);
  }

  /** The newest incidents, open or closed, newest first. */
  public List<Incident> recent(int limit) {
    return query("SELECT body FROM doctor_incidents ORDER BY seq DESC LIMIT ?", limit);
  }

  private List<Incident> query(String sql, int limit) {
    return JsonRows.read(store, sql, limit, Incident.class, "the Doctor's incidents");
  }
}
