package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One session as OpenClaw stores it, with what a migration must keep: its key and current session
 * id (the session index), its message count and the hash of its messages in order.
 *
 * <p>The hash is SHA-256 over the session's active messages in OpenClaw's own order ({@code
 * session_transcript_active_events.message_position}): for each, the 8-byte big-endian length of
 * the event's UTF-8 JSON as OpenClaw serialised it ({@code transcript_events.event_json}, or {@code
 * event_zstd} decompressed) followed by those bytes. A transcript OpenClaw has moved to a cold
 * archive contributes the archive's recorded SHA-256 instead. Two stores with the same hash for a
 * session hold the same messages, byte for byte, in the same order.
 *
 * @param key the session key, e.g. {@code agent:main:main}
 * @param sessionId the current session id (a UUID) the key points at
 * @param messages active messages ({@code session_transcript_index_state.active_message_count})
 * @param sha256 the hash above, lower-case hex
 * @param bytes the UTF-8 size of the session's events
 * @param lastActivity the newest event's time
 * @param zone the zone of {@code lastActivity} when the digest was taken
 */
public record SessionDigest(
    @JsonProperty("key") String key,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("messages") long messages,
    @JsonProperty("sha256") String sha256,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("last_activity") Instant lastActivity,
    @JsonProperty("zone") Zone zone) {

  @JsonCreator
  public SessionDigest {}

  /** Whether another digest describes the same session with the same messages. */
  public boolean sameContent(SessionDigest other) {
    return key.equals(other.key)
        && sessionId.equals(other.sessionId)
        && messages == other.messages
        && sha256.equals(other.sha256);
  }
}
