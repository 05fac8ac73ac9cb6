package io.nxs.doctor.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Alerts in SQLite ({@code doctor_alerts}): written at every state change, so open alerts and
 * acknowledgements survive a restart or a SIGKILL.
 */
public final class AlertStore {

  private final StateStore store;
  private final Clock clock;

  public AlertStore(StateStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The next free sequence number for new alert ids. */
  long nextSeq() {
    try (Connection c = store.connect();
        PreparedStatement q =
            c.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM doctor_alerts");
        ResultSet rs = q.executeQuery()) {
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Inserts or updates one alert. */
  void save(long seq, Alert a) {
    try (Connection c = store.connect();
        PreparedStatement u =
            c.prepareStatement(
                "INSERT INTO doctor_alerts (seq, id, rule_id, labels, severity, state, since, fired_at, resolved_at,"
                    + " value, message, flapping, acked_by, incident_id, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT(seq) DO UPDATE SET state = excluded.state, fired_at = excluded.fired_at,"
                    + " resolved_at = excluded.resolved_at, value = excluded.value, message = excluded.message,"
                    + " flapping = excluded.flapping, acked_by = excluded.acked_by, incident_id = excluded.incident_id,"
                    + " updated_at = excluded.updated_at")) {
      u.setLong(1, seq);
      u.setString(2, a.id());
      u.setString(3, a.ruleId());
      u.setString(4, Json.write(a.labels()));
      u.setString(5, a.severity().label());
      u.setString(6, a.state().name());
      u.setLong(7, a.since().toEpochMilli());
      setInstant(u, 8, a.firedAt());
      setInstant(u, 9, a.resolvedAt());
      u.setDouble(10, Double.isNaN(a.value()) ? 0 : a.value());
      u.setString(11, a.message());
      u.setInt(12, a.flapping() ? 1 : 0);
      u.setString(13, a.ackedBy());
      u.setString(14, a.incidentId());
      u.setLong(15, clock.millis());
      u.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Deletes a pending alert whose condition cleared before it fired. */
  void delete(long seq) {
    try (Connection c = store.connect();
        PreparedStatement d = c.prepareStatement("DELETE FROM doctor_alerts WHERE seq = ?")) {
      d.setLong(1, seq);
      d.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A stored alert with its sequence number and the rule's component and category. */
  record Stored(long seq, Alert alert) {}

  /** Every open (not resolved) alert. */
  List<Stored> open() {
    return query("SELECT * FROM doctor_alerts WHERE state <> 'RESOLVED' ORDER BY seq", null);
  }

  /** The newest resolved alerts. */
  public List<Alert> recentResolved(int limit) {
    return query(
            "SELECT * FROM doctor_alerts WHERE state = 'RESOLVED' ORDER BY seq DESC LIMIT ?", limit)
        .stream()
        .map(Stored::alert)
        .toList();
  }

  private List<Stored> query(String sql, Integer limit) {
    List<Stored> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement q = c.prepareStatement(sql)) {
      if (limit != null) {
        q.setInt(1, limit);
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Map<String, String> labels =
              Json.mapper()
                  .readValue(rs.getString("labels"), new TypeReference<Map<String, String>>() {});
          out.add(
              new Stored(
                  rs.getLong("seq"),
                  new Alert(
                      rs.getString("id"),
                      rs.getString("rule_id"),
                      labels,
                      Severity.parse(rs.getString("severity")),
                      AlertState.valueOf(rs.getString("state")),
                      Instant.ofEpochMilli(rs.getLong("since")),
                      instant(rs, "fired_at"),
                      instant(rs, "resolved_at"),
                      rs.getDouble("value"),
                      rs.getString("message"),
                      rs.getInt("flapping") == 1,
                      rs.getString("acked_by"),
                      rs.getString("incident_id"),
                      null,
                      null)));
        }
      }
    } catch (SQLException | IOException e) {
      throw new NxsException("cannot read the Doctor's alerts: " + e.getMessage(), e);
    }
    return out;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static void setInstant(PreparedStatement s, int i, Instant t) throws SQLException {
    if (t == null) {
      s.setNull(i, Types.INTEGER);
    } else {
      s.setLong(i, t.toEpochMilli());
    }
  }

  private static NxsException failure(SQLException e) {
    return new NxsException("cannot write the Doctor's alerts: " + e.getMessage(), e);
  }
}
