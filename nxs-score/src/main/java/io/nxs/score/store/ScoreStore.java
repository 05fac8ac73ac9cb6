package io.nxs.score.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nxs.core.Json;
import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import io.nxs.score.Dimension;
import io.nxs.score.Score;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The score module's tables ({@code db/score}): every score, the review queue, and people's
 * feedback. The only class that reads or writes them.
 *
 * <p>Scores are saved on one connection kept for them, with its insert statement prepared once: a
 * new connection per score (open, the store's pragmas, the schema read, the statement prepared, and
 * the WAL checkpoint when the last connection closes) cost ~3 ms of CPU and ~30 ms of disk waits
 * per score, a kept one ~0.5 ms (bench/results/2026-12-07-score-2.md). Each save is still its own
 * committed transaction ({@code synchronous=FULL}) before it returns, so a score that was answered
 * is on disk. Reads open their own connections, as before.
 */
public final class ScoreStore implements AutoCloseable {

  private static final TypeReference<LinkedHashMap<String, Dimension>> DIMS =
      new TypeReference<>() {};
  private static final TypeReference<List<String>> FLAGS = new TypeReference<>() {};

  private static final String INSERT =
      "INSERT INTO score_items (id, created_at, file, kind, format, sha256, status, reject_code,"
          + " quality, quality_unc, dimensions, flags, scorer, scorer_version, fallback, reason,"
          + " review) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private final StateStore store;

  /** The connection scores are saved on, opened at the first save; guarded by {@code this}. */
  private Connection writer;

  private PreparedStatement insert;

  public ScoreStore(StateStore store) {
    this.store = store;
    store.migrate("score");
  }

  /**
   * Saves a score.
   *
   * @param rejectCode the rejection reason label, or null
   * @param review whether it enters the review queue
   */
  public synchronized void save(Score s, String rejectCode, boolean review) {
    try {
      if (insert == null) {
        writer = store.connect();
        insert = writer.prepareStatement(INSERT);
      }
      PreparedStatement ps = insert;
      ps.setString(1, s.id());
      ps.setLong(2, s.createdAt().toEpochMilli());
      ps.setString(3, s.file());
      ps.setString(4, s.kind());
      ps.setString(5, s.format());
      ps.setString(6, s.sha256());
      ps.setString(7, s.status());
      ps.setString(8, rejectCode);
      if (s.quality() == null) {
        ps.setNull(9, Types.REAL);
        ps.setNull(10, Types.REAL);
      } else {
        ps.setDouble(9, s.quality().value());
        ps.setDouble(10, s.quality().uncertainty());
      }
      ps.setString(11, Json.write(s.dimensions()));
      ps.setString(12, Json.write(s.flags()));
      ps.setString(13, s.scorer() == null ? null : s.scorer().name());
      ps.setString(14, s.scorer() == null ? null : s.scorer().version());
      ps.setString(15, s.scorer() == null ? null : s.scorer().fallback());
      ps.setString(16, s.reason());
      ps.setInt(17, review ? 1 : 0);
      ps.executeUpdate();
    } catch (SQLException e) {
      // the next save starts on a new connection, whatever state this one is in
      close();
      throw new NxsException("cannot save score " + s.id() + ": " + e.getMessage(), e);
    }
  }

  /** Closes the connection scores are saved on (the next save opens another). */
  @Override
  public synchronized void close() {
    Connection c = writer;
    writer = null;
    insert = null;
    if (c != null) {
      try {
        c.close(); // and its statement
      } catch (SQLException expected) {
        // going on is the answer: nothing was pending (every save committed before it returned),
        // and the next save opens a new connection
      }
    }
  }

  /** A score by id. */
  public Optional<Score> find(String id) {
    List<Score> found = query("SELECT * FROM score_items WHERE id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
  }

  /** The review queue, oldest first. */
  public List<Score> reviewQueue(int limit) {
    return query(
        "SELECT * FROM score_items WHERE review = 1 ORDER BY created_at, id LIMIT ?", limit);
  }

  /** How many scores wait for review. */
  public int reviewCount() {
    return count("SELECT COUNT(*) FROM score_items WHERE review = 1");
  }

  /** The newest scores, newest first. */
  public List<Score> recent(int limit) {
    return query("SELECT * FROM score_items ORDER BY created_at DESC, id DESC LIMIT ?", limit);
  }

  /** Counts by status, e.g. {@code scored -> 12}. */
  public Map<String, Integer> countsByStatus() {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT status, COUNT(*) FROM score_items GROUP BY status");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getInt(2));
      }
    } catch (SQLException e) {
      throw new NxsException("cannot count scores: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Records a person's verdict and takes the score out of the review queue.
   *
   * @return false when there is no such score
   */
  public boolean feedback(String id, String verdict, String actor, Instant at) {
    try (Connection c = store.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement exists =
          c.prepareStatement("SELECT 1 FROM score_items WHERE id = ?")) {
        exists.setString(1, id);
        try (ResultSet rs = exists.executeQuery()) {
          if (!rs.next()) {
            c.rollback();
            return false;
          }
        }
      }
      try (PreparedStatement ins =
              c.prepareStatement(
                  "INSERT INTO score_feedback (item_id, verdict, actor, at) VALUES (?,?,?,?)");
          PreparedStatement upd =
              c.prepareStatement("UPDATE score_items SET review = 0 WHERE id = ?")) {
        ins.setString(1, id);
        ins.setString(2, verdict);
        ins.setString(3, actor);
        ins.setLong(4, at.toEpochMilli());
        ins.executeUpdate();
        upd.setString(1, id);
        upd.executeUpdate();
      }
      c.commit();
      return true;
    } catch (SQLException e) {
      throw new NxsException("cannot record feedback for " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * The newest verdicts with the quality the scorer gave, newest first.
   *
   * @param kind image or audio
   */
  public List<Verdict> verdicts(String kind, int limit) {
    List<Verdict> out = new ArrayList<>();
    String sql =
        "SELECT f.verdict, i.quality FROM score_feedback f JOIN score_items i ON i.id = f.item_id"
            + " WHERE i.kind = ? AND i.quality IS NOT NULL ORDER BY f.seq DESC LIMIT ?";
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, kind);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Verdict(rs.getString(1), rs.getDouble(2)));
        }
      }
    } catch (SQLException e) {
      throw new NxsException("cannot read feedback: " + e.getMessage(), e);
    }
    return out;
  }

  /** A person's verdict on a score and the quality it had. */
  public record Verdict(String verdict, double quality) {}

  /** The scorer versions that scored something of a kind, each as {name, version}. */
  public List<String[]> versions(String kind) {
    List<String[]> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT DISTINCT scorer, scorer_version FROM score_items WHERE kind = ? AND status"
                    + " = 'scored'")) {
      ps.setString(1, kind);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    } catch (SQLException e) {
      throw new NxsException("cannot read scorer versions: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Scored items of one scorer version in time order: the first {@code first} (oldest) or the last
   * {@code last} (newest, returned oldest first).
   */
  public List<Score> window(String kind, String scorer, String version, int limit, boolean oldest) {
    String sql =
        "SELECT * FROM score_items WHERE kind = ? AND scorer = ? AND scorer_version = ? AND status"
            + " = 'scored' ORDER BY created_at "
            + (oldest ? "ASC" : "DESC")
            + ", id "
            + (oldest ? "ASC" : "DESC")
            + " LIMIT ?";
    List<Score> out = query(sql, kind, scorer, version, limit);
    if (!oldest) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  /** How many scored items a scorer version has. */
  public int countScored(String kind, String scorer, String version) {
    return count(
        "SELECT COUNT(*) FROM score_items WHERE kind = ? AND scorer = ? AND scorer_version = ? AND"
            + " status = 'scored'",
        kind,
        scorer,
        version);
  }

  private int count(String sql, Object... args) {
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    } catch (SQLException e) {
      throw new NxsException("cannot count scores: " + e.getMessage(), e);
    }
  }

  private List<Score> query(String sql, Object... args) {
    List<Score> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
    } catch (SQLException e) {
      throw new NxsException("cannot read scores: " + e.getMessage(), e);
    }
    return out;
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) args[i]);
      }
    }
  }

  private static Score row(ResultSet rs) throws SQLException {
    double q = rs.getDouble("quality");
    Dimension quality = rs.wasNull() ? null : new Dimension(q, rs.getDouble("quality_unc"));
    String scorer = rs.getString("scorer");
    try {
      return new Score(
          rs.getString("id"),
          rs.getString("file"),
          rs.getString("kind"),
          rs.getString("format"),
          rs.getString("sha256"),
          rs.getString("status"),
          quality,
          Json.mapper().readValue(rs.getString("dimensions"), DIMS),
          Json.mapper().readValue(rs.getString("flags"), FLAGS),
          scorer == null
              ? null
              : new Score.ScorerInfo(
                  scorer, rs.getString("scorer_version"), rs.getString("fallback")),
          rs.getString("reason"),
          Instant.ofEpochMilli(rs.getLong("created_at")));
    } catch (IOException e) {
      throw new NxsException(
          "score " + rs.getString("id") + " has damaged JSON: " + e.getMessage(), e);
    }
  }
}
