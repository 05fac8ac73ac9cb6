package io.nxs.testkit.openclaw;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nxs.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Appends messages to a session that a real agent turn made, writing the rows OpenClaw 2026.9.6
 * itself writes for a message (agent schema 23), so a test can have a store of 100,000+ messages in
 * seconds instead of days of 25-second turns.
 *
 * <p>Design note: each new message mirrors the newest real message of its role in the session — the
 * same JSON shape with a new id, parent, timestamp, text and idempotency key — and goes into the
 * five places a real turn puts it: {@code transcript_events} (the event, uncompressed, with its
 * UTF-8 size), {@code transcript_event_identities} (id, type, parent, idempotency key), {@code
 * session_transcript_active_events} (next active and message position), the FTS index {@code
 * session_transcript_fts} with its row map {@code session_transcript_fts_rows}, and finally {@code
 * session_transcript_index_state} (leaf, counts) and {@code session_windows} (transcript times).
 * Messages chain by {@code parentId} from the session's current leaf, so OpenClaw's next turn
 * continues after them (the testkit test proves it reads them). It refuses a database whose {@code
 * user_version} is not 23. Run it only while no OpenClaw process has the store open. It leaves the
 * session index ({@code session_nodes}) alone: OpenClaw's trigger marks an entry another writer
 * rewrote as invalid, and its next turn then asks for {@code openclaw doctor --fix}.
 */
public final class TranscriptGrower {

  /** The agent schema version whose rows this writes. */
  public static final int AGENT_SCHEMA = 23;

  /** What a {@link #grow} did. */
  public record Grown(String sessionId, long messagesBefore, long messagesAfter, Instant last) {}

  private final Path database;

  public TranscriptGrower(Path database) {
    if (!Files.isRegularFile(database)) {
      throw new IllegalArgumentException("no OpenClaw agent database at " + database);
    }
    this.database = database;
  }

  /** {@link #grow(String, int, Instant, Duration)} starting 1 ms after the leaf, 1 ms apart. */
  public Grown grow(String sessionKey, int pairs) {
    return grow(sessionKey, pairs, null, Duration.ofMillis(1));
  }

  /**
   * Appends {@code pairs} user/assistant message pairs to the session, in one transaction.
   *
   * @param sessionKey e.g. {@code agent:main:NAME}; it must have had at least one real turn
   * @param first the first new message's time; null for 1 ms after the session's last event
   * @param step the time between consecutive messages (at least 1 ms)
   */
  public Grown grow(String sessionKey, int pairs, Instant first, Duration step) {
    if (pairs < 1) {
      throw new IllegalArgumentException("pairs must be at least 1, but was " + pairs);
    }
    long stepMs = Math.max(1, step.toMillis());
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database)) {
      try (Statement s = db.createStatement()) {
        s.execute("PRAGMA busy_timeout = 30000");
        s.execute("PRAGMA foreign_keys = ON");
        // Indexes and FTS pages of a 100k-message store outgrow SQLite's 2 MB default cache.
        s.execute("PRAGMA cache_size = -131072");
        try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
          int version = rs.next() ? rs.getInt(1) : -1;
          if (version != AGENT_SCHEMA) {
            throw new IllegalStateException(
                database + " has agent schema " + version + ", this grower writes " + AGENT_SCHEMA);
          }
        }
      }
      db.setAutoCommit(false);
      Grown grown = append(db, sessionKey, pairs, first, stepMs);
      db.commit();
      return grown;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot grow " + sessionKey + " in " + database, e);
    }
  }

  private Grown append(Connection db, String sessionKey, int pairs, Instant first, long stepMs)
      throws SQLException {
    Session s = Session.load(db, sessionKey);
    ObjectNode userTemplate = s.template(db, "user");
    ObjectNode assistantTemplate = s.template(db, "assistant");
    long time = first != null ? first.toEpochMilli() : s.lastCreatedAt + 1;
    String parent = s.leafEventId;
    long seq = s.indexedSeq;
    long activePosition = s.activeEvents;
    long messagePosition = s.activeMessages;
    // FTS rowids are the row map's ids: taken in order after the highest either table holds.
    long ftsRowIds;
    try (Statement q = db.createStatement();
        ResultSet rs =
            q.executeQuery(
                "SELECT max(coalesce((SELECT max(rowid) FROM session_transcript_fts), 0),"
                    + " coalesce((SELECT max(id) FROM session_transcript_fts_rows), 0))")) {
      rs.next();
      ftsRowIds = rs.getLong(1);
    }
    try (PreparedStatement event =
            db.prepareStatement(
                "INSERT INTO transcript_events (session_id, seq, event_json, created_at,"
                    + " event_utf8_bytes) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement identity =
            db.prepareStatement(
                "INSERT INTO transcript_event_identities (session_id, event_id, seq, event_type,"
                    + " parent_id, message_idempotency_key, created_at)"
                    + " VALUES (?, ?, ?, 'message', ?, ?, ?)");
        PreparedStatement active =
            db.prepareStatement(
                "INSERT INTO session_transcript_active_events (session_id, active_position,"
                    + " event_seq, message_position, context_eligible) VALUES (?, ?, ?, ?, 1)");
        PreparedStatement fts =
            db.prepareStatement(
                "INSERT INTO session_transcript_fts (rowid, text, session_id, message_id, role,"
                    + " timestamp) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement ftsRow =
            db.prepareStatement(
                "INSERT INTO session_transcript_fts_rows (id, session_id, message_id)"
                    + " VALUES (?, ?, ?)")) {
      for (int i = 0; i < 2 * pairs; i++) {
        boolean user = i % 2 == 0;
        String id = UUID.randomUUID().toString();
        String text = (user ? "bulk question " : "bulk answer ") + (messagePosition + 1);
        ObjectNode e = (user ? userTemplate : assistantTemplate).deepCopy();
        e.put("id", id);
        e.put("parentId", parent);
        e.put("timestamp", Instant.ofEpochMilli(time).toString());
        ObjectNode message = (ObjectNode) e.get("message");
        message.put("timestamp", time);
        String idempotencyKey = null;
        if (user) {
          message.put("content", text);
          idempotencyKey = UUID.randomUUID() + ":user";
          message.put("idempotencyKey", idempotencyKey);
        } else {
          ArrayNode content = message.putArray("content");
          content.addObject().put("type", "text").put("text", text);
          message.put("responseId", "bulk-" + id);
        }
        String json = Json.write(e);
        seq++;
        event.setString(1, s.sessionId);
        event.setLong(2, seq);
        event.setString(3, json);
        event.setLong(4, time);
        event.setLong(5, json.getBytes(StandardCharsets.UTF_8).length);
        event.addBatch();
        identity.setString(1, s.sessionId);
        identity.setString(2, id);
        identity.setLong(3, seq);
        identity.setString(4, parent);
        identity.setString(5, idempotencyKey);
        identity.setLong(6, time);
        identity.addBatch();
        active.setString(1, s.sessionId);
        active.setLong(2, activePosition++);
        active.setLong(3, seq);
        active.setLong(4, messagePosition++);
        active.addBatch();
        long ftsRowId = ++ftsRowIds;
        fts.setLong(1, ftsRowId);
        fts.setString(2, text);
        fts.setString(3, s.sessionId);
        fts.setString(4, id);
        fts.setString(5, user ? "user" : "assistant");
        fts.setDouble(6, time);
        fts.addBatch();
        ftsRow.setLong(1, ftsRowId);
        ftsRow.setString(2, s.sessionId);
        ftsRow.setString(3, id);
        ftsRow.addBatch();
        parent = id;
        time += stepMs;
        if (i % 5000 == 4999) {
          flush(event, identity, active, fts, ftsRow);
        }
      }
      flush(event, identity, active, fts, ftsRow);
    }
    long last = time - stepMs;
    try (PreparedStatement state =
            db.prepareStatement(
                "UPDATE session_transcript_index_state SET indexed_seq = ?, leaf_event_id = ?,"
                    + " active_event_count = ?, active_message_count = ?, updated_at = ?"
                    + " WHERE session_id = ?");
        PreparedStatement window =
            db.prepareStatement(
                "UPDATE session_windows SET updated_at = max(updated_at, ?),"
                    + " transcript_updated_at = ?, transcript_observed_at = ?"
                    + " WHERE session_id = ?")) {
      state.setLong(1, seq);
      state.setString(2, parent);
      state.setLong(3, activePosition);
      state.setLong(4, messagePosition);
      state.setLong(5, last);
      state.setString(6, s.sessionId);
      state.executeUpdate();
      window.setLong(1, last);
      window.setLong(2, last);
      window.setLong(3, last);
      window.setString(4, s.sessionId);
      window.executeUpdate();
    }
    return new Grown(s.sessionId, s.activeMessages, messagePosition, Instant.ofEpochMilli(last));
  }

  private static void flush(PreparedStatement... statements) throws SQLException {
    for (PreparedStatement p : statements) {
      p.executeBatch();
    }
  }

  /** The session's current transcript head, as its index state records it. */
  private record Session(
      String sessionId,
      long indexedSeq,
      String leafEventId,
      long activeEvents,
      long activeMessages,
      long lastCreatedAt) {

    static Session load(Connection db, String sessionKey) throws SQLException {
      try (PreparedStatement q =
          db.prepareStatement(
              "SELECT n.current_session_id, i.indexed_seq, i.leaf_event_id,"
                  + " i.active_event_count, i.active_message_count,"
                  + " (SELECT max(created_at) FROM transcript_events e"
                  + "   WHERE e.session_id = n.current_session_id)"
                  + " FROM session_nodes n JOIN session_transcript_index_state i"
                  + " ON i.session_id = n.current_session_id WHERE n.session_key = ?")) {
        q.setString(1, sessionKey);
        try (ResultSet rs = q.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException(
                "no indexed session '" + sessionKey + "': make it with one real agent turn first");
          }
          return new Session(
              rs.getString(1),
              rs.getLong(2),
              rs.getString(3),
              rs.getLong(4),
              rs.getLong(5),
              rs.getLong(6));
        }
      }
    }

    /** The newest real message event of this role, as a JSON object to copy. */
    ObjectNode template(Connection db, String role) throws SQLException {
      try (PreparedStatement q =
          db.prepareStatement(
              "SELECT e.event_json FROM transcript_events e JOIN transcript_event_identities i"
                  + " ON i.session_id = e.session_id AND i.seq = e.seq"
                  + " WHERE e.session_id = ? AND i.event_type = 'message'"
                  + " AND e.event_json IS NOT NULL"
                  + " AND json_extract(e.event_json, '$.message.role') = ?"
                  + " ORDER BY e.seq DESC LIMIT 1")) {
        q.setString(1, sessionId);
        q.setString(2, role);
        try (ResultSet rs = q.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException(
                "session " + sessionId + " has no " + role + " message to mirror");
          }
          JsonNode node = Json.mapper().readTree(rs.getString(1));
          return (ObjectNode) node;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
