package io.nxs.session.store;

import com.github.luben.zstd.Zstd;
import io.nxs.session.AgentSessions;
import io.nxs.session.SessionDigest;
import io.nxs.session.SessionException;
import io.nxs.session.Zone;
import io.nxs.session.ZoneFigures;
import io.nxs.session.ZonePolicy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Reads one OpenClaw agent database (schema 23, {@code openclaw-agent.sqlite}) that no OpenClaw
 * process has open: a snapshot made by {@code openclaw backup sqlite create}, a restored copy, or
 * an {@link OnlineCopy} of the live store. It never opens OpenClaw's live file itself and never
 * writes.
 *
 * <p>What it reads (OpenClaw's own tables, see docs/openclaw.md): the session index {@code
 * session_nodes} (key → current session id), {@code session_transcript_index_state} (message
 * counts), {@code session_transcript_active_events} joined to {@code transcript_events} (the
 * messages in order, JSON or zstd) and {@code session_transcript_cold_archives} (transcripts moved
 * to cold archives). The message hash is defined in {@link SessionDigest}.
 */
public final class AgentStore implements AutoCloseable {

  /** The agent schema this build reads. */
  public static final int SCHEMA = 23;

  private final Path file;
  private final Connection db;
  private final boolean utf8;

  private AgentStore(Path file, Connection db, boolean utf8) {
    this.file = file;
    this.db = db;
    this.utf8 = utf8;
  }

  /**
   * Opens a closed agent database read-only.
   *
   * @throws SessionException when it is missing or not an OpenClaw agent database
   */
  public static AgentStore open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SessionException("no OpenClaw agent database at " + file);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(30_000);
    try {
      Connection db =
          DriverManager.getConnection(
              "jdbc:sqlite:file:" + file.toAbsolutePath() + "?immutable=1", config.toProperties());
      boolean utf8;
      try (Statement s = db.createStatement()) {
        // Indexes of a million-message store outgrow SQLite's 2 MB default page cache.
        s.execute("PRAGMA cache_size = -65536");
        try (ResultSet rs = s.executeQuery("PRAGMA encoding")) {
          utf8 = rs.next() && "UTF-8".equalsIgnoreCase(rs.getString(1));
        }
      }
      return new AgentStore(file, db, utf8);
    } catch (SQLException e) {
      throw new SessionException("cannot open " + file + ": " + firstLine(e), e);
    }
  }

  /** {@code PRAGMA user_version}: OpenClaw's agent schema version. */
  public int schema() {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      throw failure("read the schema version of", e);
    }
  }

  /** The OpenClaw version in {@code schema_meta} that last wrote this store, or empty. */
  public String writtenBy() {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM schema_meta LIMIT 1")) {
      var meta = rs.getMetaData();
      if (!rs.next()) {
        return "";
      }
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String v = rs.getString(i);
        if (v != null && v.matches("\\d{4}\\.\\d+\\.\\d+.*")) {
          return v;
        }
      }
      return "";
    } catch (SQLException e) {
      return "";
    }
  }

  /** The agent id the store says it belongs to ({@code schema_meta}), or empty. */
  public String owner() {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM schema_meta LIMIT 1")) {
      return rs.next() && rs.getMetaData().getColumnCount() >= 4 ? rs.getString(4) : "";
    } catch (SQLException e) {
      return "";
    }
  }

  /**
   * Every session with its digest, and the zone figures, for an agent.
   *
   * @throws SessionException when the schema is not {@value #SCHEMA}
   */
  public AgentSessions read(String agent, ZonePolicy zones, Instant now) {
    int schema = schema();
    if (schema != SCHEMA) {
      throw new SessionException(
          file
              + " has OpenClaw agent schema "
              + schema
              + "; this NXS reads schema "
              + SCHEMA
              + " (OpenClaw 2026.9.6)");
    }
    List<SessionDigest> sessions = new ArrayList<>();
    try (PreparedStatement q =
        db.prepareStatement(
            "SELECT n.session_key, n.current_session_id,"
                + " coalesce(i.active_message_count, 0),"
                + " max(n.updated_at, coalesce(n.last_interaction_at, 0),"
                + "   coalesce((SELECT max(e.created_at) FROM transcript_events e"
                + "     WHERE e.session_id = n.current_session_id), 0)),"
                + " (SELECT coalesce(sum(coalesce(e.event_utf8_bytes,"
                + "     length(CAST(e.event_json AS BLOB)))), 0) FROM transcript_events e"
                + "   WHERE e.session_id = n.current_session_id)"
                + " FROM session_nodes n LEFT JOIN session_transcript_index_state i"
                + " ON i.session_id = n.current_session_id ORDER BY n.session_key")) {
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String key = rs.getString(1);
          String id = rs.getString(2);
          Instant last = Instant.ofEpochMilli(rs.getLong(4));
          sessions.add(
              new SessionDigest(
                  key,
                  id,
                  rs.getLong(3),
                  hash(id),
                  rs.getLong(5),
                  last,
                  zones.classify(last, now)));
        }
      }
    } catch (SQLException e) {
      throw failure("read the sessions of", e);
    }
    sessions.sort(Comparator.comparing(SessionDigest::lastActivity).reversed());
    return new AgentSessions(
        agent, "sqlite", schema, writtenBy(), figures(sessions, zones, now), sessions);
  }

  private Map<Zone, ZoneFigures> figures(
      List<SessionDigest> sessions, ZonePolicy zones, Instant now) {
    long[] counts = new long[Zone.values().length];
    long[] bytes = new long[Zone.values().length];
    try (PreparedStatement q =
        db.prepareStatement(
            "SELECT CASE WHEN e.created_at >= ? THEN 0 WHEN e.created_at >= ? THEN 1"
                + " WHEN e.created_at >= ? THEN 2 ELSE 3 END AS z, count(*),"
                + " coalesce(sum(coalesce(e.event_utf8_bytes,"
                + "   length(CAST(e.event_json AS BLOB)))), 0)"
                + " FROM session_nodes n"
                + " JOIN session_transcript_active_events a ON a.session_id = n.current_session_id"
                + " JOIN transcript_events e ON e.session_id = a.session_id AND e.seq = a.event_seq"
                + " WHERE a.message_position IS NOT NULL GROUP BY z")) {
      q.setLong(1, now.minus(zones.hot()).toEpochMilli());
      q.setLong(2, now.minus(zones.warm()).toEpochMilli());
      q.setLong(3, now.minus(zones.cold()).toEpochMilli());
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          counts[rs.getInt(1)] = rs.getLong(2);
          bytes[rs.getInt(1)] = rs.getLong(3);
        }
      }
    } catch (SQLException e) {
      throw failure("count the messages per zone of", e);
    }
    Map<Zone, ZoneFigures> out = new EnumMap<>(Zone.class);
    for (Zone z : Zone.values()) {
      long n = sessions.stream().filter(s -> s.zone() == z).count();
      out.put(z, new ZoneFigures(n, counts[z.ordinal()], bytes[z.ordinal()]));
    }
    return out;
  }

  /** The message hash of one session id, as {@link SessionDigest} defines it. */
  public String hash(String sessionId) {
    MessageDigest sha = sha256();
    ByteBuffer length = ByteBuffer.allocate(Long.BYTES);
    try (PreparedStatement q =
        db.prepareStatement(
            "SELECT e.event_json, e.event_zstd, e.event_utf8_bytes"
                + " FROM session_transcript_active_events a JOIN transcript_events e"
                + " ON e.session_id = a.session_id AND e.seq = a.event_seq"
                + " WHERE a.session_id = ? AND a.message_position IS NOT NULL"
                + " ORDER BY a.message_position")) {
      q.setString(1, sessionId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          byte[] event = eventBytes(sessionId, rs);
          sha.update(length.clear().putLong(event.length).array());
          sha.update(event);
        }
      }
      try (PreparedStatement cold =
          db.prepareStatement(
              "SELECT archive_sha256, event_count FROM session_transcript_cold_archives"
                  + " WHERE session_id = ?")) {
        cold.setString(1, sessionId);
        try (ResultSet rs = cold.executeQuery()) {
          while (rs.next()) {
            sha.update(
                ("cold:" + rs.getString(1) + ":" + rs.getLong(2))
                    .getBytes(StandardCharsets.US_ASCII));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("hash session " + sessionId + " in", e);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private byte[] eventBytes(String sessionId, ResultSet rs) throws SQLException {
    // A UTF-8 store's text is its bytes as they are: no decoding into a String and back.
    byte[] json = utf8 ? rs.getBytes(1) : utf8(rs.getString(1));
    if (json != null) {
      return json;
    }
    byte[] compressed = rs.getBytes(2);
    long size = rs.getLong(3);
    try {
      return Zstd.decompress(compressed, Math.toIntExact(size));
    } catch (RuntimeException e) {
      throw new SessionException(
          "a compressed event of session "
              + sessionId
              + " in "
              + file
              + " does not decompress ("
              + e.getMessage()
              + "): check the store with `openclaw doctor`",
          e);
    }
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether every session the transcript tables hold is reachable from the session index. */
  public List<String> unreachableSessions() {
    List<String> lost = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT DISTINCT i.session_id FROM session_transcript_index_state i"
                    + " WHERE i.active_message_count > 0 AND NOT EXISTS (SELECT 1 FROM"
                    + " session_nodes n WHERE n.current_session_id = i.session_id)"
                    + " AND NOT EXISTS (SELECT 1 FROM session_windows w"
                    + "   JOIN session_nodes n ON n.session_key = w.session_key"
                    + "   WHERE w.session_id = i.session_id)")) {
      while (rs.next()) {
        lost.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw failure("look for unreachable sessions in", e);
    }
    return lost;
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }

  private SessionException failure(String what, SQLException e) {
    return new SessionException("cannot " + what + " " + file + ": " + firstLine(e), e);
  }

  static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
