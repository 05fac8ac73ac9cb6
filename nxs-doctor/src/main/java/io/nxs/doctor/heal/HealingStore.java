package io.nxs.doctor.heal;

import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.JsonRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The healing log in SQLite ({@code doctor_healing}), one JSON body per attempt. */
public final class HealingStore {

  private final StateStore store;

  public HealingStore(StateStore store) {
    this.store = store;
  }

  long nextSeq() {
    try (Connection c = store.connect();
        PreparedStatement q =
            c.prepareStatement("SELECT COALESCE(MAX(seq), 0) + 1 FROM doctor_healing");
        ResultSet rs = q.executeQuery()) {
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new NxsException("cannot read the healing log: " + e.getMessage(), e);
    }
  }

  void save(HealingRecord r) {
    try (Connection c = store.connect();
        PreparedStatement u =
            c.prepareStatement(
                "INSERT INTO doctor_healing (id, body, state, requested_at, updated_at) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT(id) DO UPDATE SET body = excluded.body, state = excluded.state,"
                    + " updated_at = excluded.updated_at")) {
      u.setString(1, r.id());
      u.setString(2, Json.write(r));
      u.setString(3, r.state().name());
      u.setLong(4, r.requestedAt().toEpochMilli());
      u.setLong(5, r.updatedAt().toEpochMilli());
      u.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException("cannot write the healing log: " + e.getMessage(), e);
    }
  }

  /** Attempts not finished yet (awaiting approval, running, verifying), oldest first. */
  List<HealingRecord> unfinished() {
    return query(
        "SELECT body FROM doctor_healing WHERE state IN ('AWAITING_APPROVAL', 'RUNNING', 'VERIFYING') ORDER BY seq",
        -1);
  }

  /** The newest entries, newest first. */
  public List<HealingRecord> recent(int limit) {
    return query("SELECT body FROM doctor_healing ORDER BY seq DESC LIMIT ?", limit);
  }

  private List<HealingRecord> query(String sql, int limit) {
    return JsonRows.read(store, sql, limit, HealingRecord.class, "the healing log");
  }
}
