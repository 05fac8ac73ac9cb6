package io.nxs.doctor.heal;

import io.nxs.core.Json;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.Jdbc;
import java.util.List;

/** The healing log in SQLite ({@code doctor_healing}), one JSON body per attempt. */
public final class HealingStore {

  private final Jdbc db;

  public HealingStore(StateStore store) {
    this.db = new Jdbc(store, "the healing log");
  }

  long nextSeq() {
    return db.nextSeq("doctor_healing");
  }

  void save(Attempt a) {
    HealingRecord r = a.view();
    db.update(
        "INSERT INTO doctor_healing (id, body, state, requested_at, updated_at) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT(id) DO UPDATE SET body = excluded.body, state = excluded.state,"
            + " updated_at = excluded.updated_at",
        u -> {
          u.setString(1, r.id());
          u.setString(2, Json.write(r));
          u.setString(3, r.state().name());
          u.setLong(4, r.requestedAt().toEpochMilli());
          u.setLong(5, r.updatedAt().toEpochMilli());
        });
  }

  /** Attempts not finished yet (awaiting approval, running, verifying), oldest first. */
  List<Attempt.Open> unfinished() {
    return db.list(
        "SELECT body FROM doctor_healing WHERE state IN ('AWAITING_APPROVAL', 'RUNNING', 'VERIFYING')"
            + " ORDER BY seq",
        Jdbc.Binder.NONE,
        rs -> Attempt.restore(Jdbc.json(HealingRecord.class).read(rs)));
  }

  /** The newest entries, newest first. */
  public List<HealingRecord> recent(int limit) {
    return db.list(
        "SELECT body FROM doctor_healing ORDER BY seq DESC LIMIT ?",
        q -> q.setInt(1, limit),
        Jdbc.json(HealingRecord.class));
  }
}
