package io.nxs.sync.internal;

import io.nxs.core.state.StateStore;
import io.nxs.sync.SyncConflict;
import io.nxs.sync.SyncException;
import io.nxs.sync.SyncReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The sync module's tables in {@code state.db} ({@code db/sync}): runs and conflicts. */
public final class SyncIndex {

  /** Runs kept; older ones are dropped as new ones come. */
  static final int RUNS_KEPT = 10_000;

  private final StateStore store;

  public SyncIndex(StateStore store) {
    this.store = store;
  }

  /**
   * Records a run and its conflicts in one transaction.
   *
   * @param oldestPending the oldest local change still not on the remote, epoch millis
   */
  public void record(SyncReport r, OptionalLong oldestPending) {
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO sync_runs (started_at, millis, ok, error, local_changes,"
                      + " remote_changes, pushed, commit_id, applied, deferred, conflicts,"
                      + " latency_seconds, oldest_pending) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
          PreparedStatement conflict =
              c.prepareStatement(
                  "INSERT OR IGNORE INTO sync_conflicts (id, at, path, kind, resolution,"
                      + " copy_path, local_node, remote_node) VALUES (?,?,?,?,?,?,?,?)");
          PreparedStatement trim =
              c.prepareStatement(
                  "DELETE FROM sync_runs WHERE id <= (SELECT max(id) FROM sync_runs) - ?")) {
        ps.setString(1, r.startedAt().toString());
        ps.setLong(2, r.millis());
        ps.setInt(3, r.ok() ? 1 : 0);
        ps.setString(4, r.error());
        ps.setInt(5, r.localChanges());
        ps.setInt(6, r.remoteChanges());
        ps.setInt(7, r.pushed() ? 1 : 0);
        ps.setString(8, r.commit());
        ps.setInt(9, r.applied());
        ps.setInt(10, r.deferred());
        ps.setInt(11, r.conflicts().size());
        ps.setDouble(12, r.latencySeconds());
        if (oldestPending.isPresent()) {
          ps.setLong(13, oldestPending.getAsLong());
        } else {
          ps.setNull(13, java.sql.Types.INTEGER);
        }
        ps.executeUpdate();
        for (SyncConflict k : r.conflicts()) {
          conflict.setString(1, k.id());
          conflict.setString(2, k.at().toString());
          conflict.setString(3, k.path());
          conflict.setString(4, k.kind().label());
          conflict.setString(5, k.resolution());
          conflict.setString(6, k.copyPath());
          conflict.setString(7, k.localNode());
          conflict.setString(8, k.remoteNode());
          conflict.executeUpdate();
        }
        trim.setInt(1, RUNS_KEPT);
        trim.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * A recorded run.
   *
   * @param report the run
   * @param oldestPending the oldest change it left unsynced, epoch millis, if any
   */
  public record Run(SyncReport report, OptionalLong oldestPending) {}

  /** The newest run, if any. */
  public Optional<Run> lastRun() {
    return runs("SELECT * FROM sync_runs ORDER BY id DESC LIMIT 1").stream().findFirst();
  }

  /** The newest successful run, if any. */
  public Optional<Run> lastSuccess() {
    return runs("SELECT * FROM sync_runs WHERE ok = 1 ORDER BY id DESC LIMIT 1").stream()
        .findFirst();
  }

  /** The newest successful run that brought changes in, if any. */
  public Optional<Run> lastIncoming() {
    return runs(
            "SELECT * FROM sync_runs WHERE ok = 1 AND latency_seconds > 0 ORDER BY id DESC LIMIT 1")
        .stream()
        .findFirst();
  }

  /** The newest conflicts, newest first. */
  public List<SyncConflict> conflicts(int limit) {
    List<SyncConflict> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, at, path, kind, resolution, copy_path, local_node, remote_node"
                    + " FROM sync_conflicts ORDER BY at DESC, id LIMIT ?")) {
      ps.setInt(1, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new SyncConflict(
                  rs.getString(1),
                  Instant.parse(rs.getString(2)),
                  rs.getString(3),
                  SyncConflict.Kind.of(rs.getString(4)),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8)));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  /** How many conflicts were resolved since a time. */
  public long conflictsSince(Instant since) {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM sync_conflicts WHERE at >= ?")) {
      ps.setString(1, since.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private List<Run> runs(String sql) {
    List<Run> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long pending = rs.getLong("oldest_pending");
        OptionalLong oldest = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(pending);
        out.add(
            new Run(
                new SyncReport(
                    Instant.parse(rs.getString("started_at")),
                    rs.getLong("millis"),
                    rs.getInt("ok") == 1,
                    rs.getString("error"),
                    rs.getInt("local_changes"),
                    rs.getInt("remote_changes"),
                    rs.getInt("pushed") == 1,
                    rs.getString("commit_id"),
                    rs.getInt("applied"),
                    rs.getInt("deferred"),
                    List.of(),
                    rs.getDouble("latency_seconds")),
                oldest));
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  private static SyncException failure(SQLException e) {
    return new SyncException("the sync tables in state.db failed: " + e.getMessage(), e);
  }
}
