package io.nxs.doctor.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nxs.core.Json;
import io.nxs.core.Severity;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.Jdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Alerts in SQLite ({@code doctor_alerts}): written at every state change, so open alerts and
 * acknowledgements survive a restart or a SIGKILL.
 */
public final class AlertStore {

  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};

  private final Jdbc db;
  private final Clock clock;

  public AlertStore(StateStore store, Clock clock) {
    this.db = new Jdbc(store, "the Doctor's alerts");
    this.clock = clock;
  }

  /** The next free sequence number for new alert ids. */
  long nextSeq() {
    return db.nextSeq("doctor_alerts");
  }

  /** Inserts or updates one alert. */
  void save(long seq, Alert a) {
    db.update(
        "INSERT INTO doctor_alerts (seq, id, rule_id, labels, severity, state, since, fired_at,"
            + " resolved_at, value, message, flapping, acked_by, incident_id, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT(seq) DO UPDATE SET state = excluded.state, fired_at = excluded.fired_at,"
            + " resolved_at = excluded.resolved_at, value = excluded.value,"
            + " message = excluded.message, flapping = excluded.flapping,"
            + " acked_by = excluded.acked_by, incident_id = excluded.incident_id,"
            + " updated_at = excluded.updated_at",
        u -> {
          u.setLong(1, seq);
          u.setString(2, a.id());
          u.setString(3, a.ruleId());
          u.setString(4, Json.write(a.labels()));
          u.setString(5, a.severity().label());
          u.setString(6, a.state().name());
          u.setLong(7, a.since().toEpochMilli());
          Jdbc.setInstant(u, 8, a.firedAt());
          Jdbc.setInstant(u, 9, a.resolvedAt());
          u.setDouble(10, Double.isNaN(a.value()) ? 0 : a.value());
          u.setString(11, a.message());
          u.setInt(12, a.flapping() ? 1 : 0);
          u.setString(13, a.ackedBy());
          u.setString(14, a.incidentId());
          u.setLong(15, clock.millis());
        });
  }

  /** Deletes a pending alert whose condition cleared before it fired. */
  void delete(long seq) {
    db.update("DELETE FROM doctor_alerts WHERE seq = ?", d -> d.setLong(1, seq));
  }

  /** A stored alert with its sequence number. */
  record Stored(long seq, Alert alert) {}

  /** Every open (not resolved) alert. */
  List<Stored> open() {
    return db.list(
        "SELECT * FROM doctor_alerts WHERE state <> 'RESOLVED' ORDER BY seq",
        Jdbc.Binder.NONE,
        AlertStore::stored);
  }

  /** The newest resolved alerts. */
  public List<Alert> recentResolved(int limit) {
    return db
        .list(
            "SELECT * FROM doctor_alerts WHERE state = 'RESOLVED' ORDER BY seq DESC LIMIT ?",
            q -> q.setInt(1, limit),
            AlertStore::stored)
        .stream()
        .map(Stored::alert)
        .toList();
  }

  private static Stored stored(ResultSet rs) throws SQLException, java.io.IOException {
    return new Stored(
        rs.getLong("seq"),
        new Alert(
            rs.getString("id"),
            rs.getString("rule_id"),
            Json.mapper().readValue(rs.getString("labels"), LABELS),
            Severity.parse(rs.getString("severity")),
            AlertState.valueOf(rs.getString("state")),
            Instant.ofEpochMilli(rs.getLong("since")),
            Jdbc.instant(rs, "fired_at"),
            Jdbc.instant(rs, "resolved_at"),
            rs.getDouble("value"),
            rs.getString("message"),
            rs.getInt("flapping") == 1,
            rs.getString("acked_by"),
            rs.getString("incident_id"),
            null,
            null));
  }
}
