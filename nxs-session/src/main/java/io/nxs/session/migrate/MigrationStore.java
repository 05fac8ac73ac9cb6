package io.nxs.session.migrate;

import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import io.nxs.session.transfer.BundleFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The session module's tables in state.db ({@code db/session}): migrations per role, the files of
 * incoming migrations with how much of each is durable here, and the fence. The only class that
 * reads or writes them. Every change is one committed transaction (WAL, synchronous=FULL), so a
 * state or an acknowledged chunk survives SIGKILL.
 */
public final class MigrationStore {

  private final StateStore store;
  private final Clock clock;

  public MigrationStore(StateStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Records a new migration in INIT (or does nothing when it exists). */
  public void create(String id, String role, String peer, String agent, String keyFile) {
    long now = clock.millis();
    update(
        "INSERT INTO session_migrations (id, role, peer, agent, key_file, state, created_at,"
            + " updated_at) VALUES (?, ?, ?, ?, ?, 'INIT', ?, ?) ON CONFLICT DO NOTHING",
        id,
        role,
        peer,
        agent,
        keyFile,
        now,
        now);
  }

  /**
   * Moves a migration to {@code next}, if its current state allows it.
   *
   * @throws IllegalStateException when the move is not allowed
   */
  public synchronized MigrationRecord transition(String id, String role, MigrationState next) {
    MigrationRecord current = require(id, role);
    current.typedState().to(next);
    String failedIn = next instanceof MigrationState.Failed f ? f.step() : null;
    String reason = next instanceof MigrationState.Failed f ? f.reason() : null;
    boolean resumable = next instanceof MigrationState.Failed f && f.resumable();
    update(
        "UPDATE session_migrations SET state = ?, failed_in = ?, reason = ?, resumable = ?,"
            + " updated_at = ? WHERE id = ? AND role = ?",
        next.name(),
        failedIn,
        reason,
        resumable ? 1 : 0,
        clock.millis(),
        id,
        role);
    return require(id, role);
  }

  /** Sets the bundle of the current phase and its size. */
  public void bundle(String id, String role, String phase, String bundleJson, long bytesTotal) {
    update(
        "UPDATE session_migrations SET phase = ?, bundle_json = ?, bytes_total = ?, bytes_done = 0,"
            + " updated_at = ? WHERE id = ? AND role = ?",
        phase,
        bundleJson,
        bytesTotal,
        clock.millis(),
        id,
        role);
  }

  /** The bundle JSON of the current phase, if exported. */
  public Optional<String> bundleJson(String id, String role) {
    return text("SELECT bundle_json FROM session_migrations WHERE id = ? AND role = ?", id, role);
  }

  /** Records acknowledged progress. */
  public void progress(String id, String role, long bytesDone) {
    update(
        "UPDATE session_migrations SET bytes_done = ?, updated_at = ? WHERE id = ? AND role = ?",
        bytesDone,
        clock.millis(),
        id,
        role);
  }

  /** Records the step's report (JSON) and the agents left for later. */
  public void detail(String id, String role, String detailJson, String lazy) {
    update(
        "UPDATE session_migrations SET detail_json = ?, lazy_json = ?, updated_at = ?"
            + " WHERE id = ? AND role = ?",
        detailJson,
        lazy,
        clock.millis(),
        id,
        role);
  }

  /** The key file a source migration reads the target's key from. */
  public Optional<String> keyFile(String id) {
    return text("SELECT key_file FROM session_migrations WHERE id = ? AND role = 'source'", id);
  }

  public Optional<MigrationRecord> find(String id, String role) {
    List<MigrationRecord> found =
        query("SELECT * FROM session_migrations WHERE id = ? AND role = ?", id, role);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  public MigrationRecord require(String id, String role) {
    return find(id, role)
        .orElseThrow(() -> new NxsException("no " + role + " migration '" + id + "'"));
  }

  /** Every migration, newest first. */
  public List<MigrationRecord> all() {
    return query("SELECT * FROM session_migrations ORDER BY created_at DESC, id");
  }

  /** Migrations of a role that are not finished, oldest first. */
  public List<MigrationRecord> unfinished(String role) {
    return query(
        "SELECT * FROM session_migrations WHERE role = ? AND state NOT IN ('ACTIVE', 'FAILED')"
            + " ORDER BY created_at",
        role);
  }

  // ---- incoming files ----

  /** Adds the files of an incoming bundle (existing ones keep their progress). */
  public void addFiles(String id, List<BundleFile> files) {
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO session_incoming_files (migration_id, idx, name, size, sha256)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (migration_id, idx) DO UPDATE SET"
                  + " received = CASE WHEN name = excluded.name AND sha256 = excluded.sha256"
                  + "   THEN received ELSE 0 END,"
                  + " name = excluded.name, size = excluded.size, sha256 = excluded.sha256")) {
        for (int i = 0; i < files.size(); i++) {
          BundleFile f = files.get(i);
          ps.setString(1, id);
          ps.setInt(2, i);
          ps.setString(3, f.name());
          ps.setLong(4, f.size());
          ps.setString(5, f.sha256());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement del =
          c.prepareStatement(
              "DELETE FROM session_incoming_files WHERE migration_id = ? AND idx >= ?")) {
        del.setString(1, id);
        del.setInt(2, files.size());
        del.executeUpdate();
      }
      c.commit();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** A file of an incoming migration and how much of it is durable here. */
  public record IncomingFile(int index, String name, long size, String sha256, long received) {}

  public List<IncomingFile> files(String id) {
    List<IncomingFile> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT idx, name, size, sha256, received FROM session_incoming_files"
                    + " WHERE migration_id = ? ORDER BY idx")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new IncomingFile(
                  rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5)));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  /** Records that {@code received} bytes of a file are durable here. */
  public void received(String id, int index, long received) {
    update(
        "UPDATE session_incoming_files SET received = ? WHERE migration_id = ? AND idx = ?",
        received,
        id,
        index);
  }

  // ---- bases for delta migrations ----

  /** A store kept from an earlier migration, relative to the staging area. */
  public record Base(String path, String agent, long size, String sha256, String migrationId) {}

  /** Keeps a store complete on disk here (replacing a row for the same path). */
  public void keepBase(Base b) {
    update(
        "INSERT INTO session_bases (path, agent, size, sha256, migration_id, kept_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET agent = excluded.agent,"
            + " size = excluded.size, sha256 = excluded.sha256,"
            + " migration_id = excluded.migration_id, kept_at = excluded.kept_at",
        b.path(),
        b.agent(),
        b.size(),
        b.sha256(),
        b.migrationId(),
        clock.millis());
  }

  /** The stores kept for an agent, newest first. */
  public List<Base> bases(String agent) {
    return queryBases(
        "SELECT path, agent, size, sha256, migration_id FROM session_bases"
            + " WHERE agent = ? ORDER BY kept_at DESC, rowid DESC",
        ps -> ps.setString(1, agent));
  }

  /**
   * The stores kept from migrations with {@code peer} (in any spelling {@link PeerName} takes as
   * the same) beyond the newest {@code keep} of each agent, oldest last.
   */
  public List<Base> basesBeyond(String peer, int keep) {
    List<String> ids = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement("SELECT id, peer FROM session_migrations");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        if (rs.getString(2) != null && PeerName.same(rs.getString(2), peer)) {
          ids.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return queryBases(
        "SELECT path, agent, size, sha256, migration_id FROM ("
            + " SELECT path, agent, size, sha256, migration_id, ROW_NUMBER() OVER ("
            + "  PARTITION BY agent ORDER BY kept_at DESC, rowid DESC) AS newest"
            + " FROM session_bases"
            + " WHERE migration_id IN (SELECT value FROM json_each(?)))"
            + " WHERE newest > ? ORDER BY agent, newest",
        ps -> {
          ps.setString(1, Json.write(ids));
          ps.setInt(2, keep);
        });
  }

  /** Sets a query's parameters. */
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /** The kept stores a query selects (path, agent, size, sha256, migration_id), in its order. */
  private List<Base> queryBases(String sql, Binder binder) {
    List<Base> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Base(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5)));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  /** Whether any kept store belongs to migration {@code id}. */
  public boolean keepsBasesOf(String id) {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM session_bases WHERE migration_id = ? LIMIT 1")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Forgets a kept store (gone, or no longer what was kept). */
  public void dropBase(String path) {
    update("DELETE FROM session_bases WHERE path = ?", path);
  }

  // ---- fence ----

  /** The fence, when this instance is fenced. */
  public record FenceRow(
      @com.fasterxml.jackson.annotation.JsonProperty("migration_id") String migrationId,
      @com.fasterxml.jackson.annotation.JsonProperty("peer") String peer,
      @com.fasterxml.jackson.annotation.JsonProperty("fenced_at") Instant fencedAt) {}

  public void fence(String migrationId, String peer) {
    update(
        "INSERT INTO session_fence (id, migration_id, peer, fenced_at) VALUES (1, ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET migration_id = excluded.migration_id,"
            + " peer = excluded.peer, fenced_at = excluded.fenced_at",
        migrationId,
        peer,
        clock.millis());
  }

  public Optional<FenceRow> fenceRow() {
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT migration_id, peer, fenced_at FROM session_fence");
        ResultSet rs = ps.executeQuery()) {
      return rs.next()
          ? Optional.of(
              new FenceRow(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))))
          : Optional.empty();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Removes the fence; returns whether there was one. */
  public boolean unfence() {
    return update("DELETE FROM session_fence") > 0;
  }

  // ---- plumbing ----

  private List<MigrationRecord> query(String sql, Object... args) {
    List<MigrationRecord> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new MigrationRecord(
                  rs.getString("id"),
                  rs.getString("role"),
                  rs.getString("peer"),
                  rs.getString("agent"),
                  rs.getString("state"),
                  rs.getString("failed_in"),
                  rs.getString("reason"),
                  rs.getInt("resumable") == 1,
                  rs.getString("phase"),
                  rs.getLong("bytes_total"),
                  rs.getLong("bytes_done"),
                  rs.getString("lazy_json"),
                  rs.getString("detail_json"),
                  Instant.ofEpochMilli(rs.getLong("created_at")),
                  Instant.ofEpochMilli(rs.getLong("updated_at"))));
        }
      }
    } catch (SQLException e) {
      throw failure(e);
    }
    return out;
  }

  private Optional<String> text(String sql, Object... args) {
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private static NxsException failure(SQLException e) {
    return new NxsException("the session tables in state.db failed: " + e.getMessage(), e);
  }
}
