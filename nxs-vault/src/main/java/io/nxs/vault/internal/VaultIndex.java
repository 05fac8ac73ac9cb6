package io.nxs.vault.internal;

import io.nxs.core.state.StateStore;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.VaultException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The vault's tables in {@code state.db}: snapshots seen, memory file sizes, operation runs. */
public final class VaultIndex {

  private final StateStore store;

  public VaultIndex(StateStore store) {
    this.store = store;
  }

  public void putSnapshot(SnapshotInfo s) {
    update(
        "INSERT INTO vault_snapshots (id, created_at, files, bytes, added_blobs, added_bytes, targets)"
            + " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET targets = excluded.targets",
        s.id(),
        s.createdAt().toString(),
        s.files(),
        s.bytes(),
        s.addedBlobs(),
        s.addedBytes(),
        String.join("\n", s.targets()));
  }

  public void deleteSnapshot(String id) {
    update("DELETE FROM vault_memory_files WHERE snapshot_id = ?", id);
    update("DELETE FROM vault_snapshots WHERE id = ?", id);
  }

  public void markVerified(String id, Instant at, boolean ok) {
    update(
        "UPDATE vault_snapshots SET verified_at = ?, verify_ok = ? WHERE id = ?",
        at.toString(),
        ok ? 1 : 0,
        id);
  }

  /** Every indexed snapshot, oldest first. */
  public List<SnapshotInfo> snapshots() {
    return query(
        "SELECT id, created_at, files, bytes, added_blobs, added_bytes, targets,"
            + " verified_at, verify_ok FROM vault_snapshots ORDER BY id",
        rs -> {
          String verified = rs.getString(8);
          int ok = rs.getInt(9);
          boolean okNull = rs.wasNull();
          return new SnapshotInfo(
              rs.getString(1),
              Instant.parse(rs.getString(2)),
              rs.getLong(3),
              rs.getLong(4),
              rs.getLong(5),
              rs.getLong(6),
              Arrays.asList(rs.getString(7).split("\n")),
              verified == null ? null : Instant.parse(verified),
              okNull ? null : ok == 1);
        });
  }

  public void putMemorySizes(String snapshotId, Map<String, Long> sizes) {
    for (Map.Entry<String, Long> e : sizes.entrySet()) {
      update(
          "INSERT OR REPLACE INTO vault_memory_files (snapshot_id, path, size) VALUES (?,?,?)",
          snapshotId,
          e.getKey(),
          e.getValue());
    }
  }

  /** Memory file sizes of the newest indexed snapshot before {@code id}, if any. */
  public Map<String, Long> memorySizesBefore(String id) {
    Map<String, Long> out = new HashMap<>();
    query(
            "SELECT path, size FROM vault_memory_files WHERE snapshot_id ="
                + " (SELECT MAX(id) FROM vault_snapshots WHERE id < ?)",
            rs -> Map.entry(rs.getString(1), rs.getLong(2)),
            id)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** Records one operation. */
  public void recordRun(
      String kind,
      Instant started,
      Instant finished,
      boolean ok,
      String snapshotId,
      long millis,
      String detail) {
    update(
        "INSERT INTO vault_runs (kind, started_at, finished_at, ok, snapshot_id, millis, detail)"
            + " VALUES (?,?,?,?,?,?,?)",
        kind,
        started.toString(),
        finished.toString(),
        ok ? 1 : 0,
        snapshotId,
        millis,
        detail);
  }

  /** A run of one kind. */
  public record Run(
      String kind, Instant finishedAt, boolean ok, String snapshotId, long millis, String detail) {}

  /** The newest runs of a kind, newest first. */
  public List<Run> runs(String kind, int limit) {
    return query(
        "SELECT kind, finished_at, ok, snapshot_id, millis, detail FROM vault_runs"
            + " WHERE kind = ? ORDER BY id DESC LIMIT ?",
        rs ->
            new Run(
                rs.getString(1),
                Instant.parse(rs.getString(2)),
                rs.getInt(3) == 1,
                rs.getString(4),
                rs.getLong(5),
                rs.getString(6)),
        kind,
        limit);
  }

  /**
   * When the newest run of a kind started, successful or not; for {@code verify} only a verify of
   * every snapshot (a backup's check of its own new snapshot names that snapshot).
   */
  public Optional<Instant> lastStarted(String kind) {
    return query(
            "SELECT started_at FROM vault_runs WHERE kind = ?"
                + (kind.equals("verify") ? " AND snapshot_id IS NULL" : "")
                + " ORDER BY id DESC LIMIT 1",
            rs -> Instant.parse(rs.getString(1)),
            kind)
        .stream()
        .findFirst();
  }

  /** The newest snapshot that passed a verify. */
  public Optional<SnapshotInfo> lastVerified() {
    return snapshots().reversed().stream()
        .filter(s -> Boolean.TRUE.equals(s.verifyOk()))
        .findFirst();
  }

  /** One row of a result, read into a value. */
  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> List<T> query(String sql, Row<T> row, Object... args) {
    List<T> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.read(rs));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  private void update(String sql, Object... args) {
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static VaultException failure(SQLException e) {
    return new VaultException("the vault index in state.db failed: " + e.getMessage(), e);
  }
}
