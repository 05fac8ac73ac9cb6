package io.nxs.session.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.session.AgentSessions;
import io.nxs.session.SessionDigest;
import io.nxs.session.SessionException;
import io.nxs.session.Zone;
import io.nxs.session.ZoneFigures;
import io.nxs.session.ZonePolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads OpenClaw's legacy session layout: {@code agents/<id>/sessions/sessions.json} (session key →
 * entry with {@code sessionId}, {@code updatedAt}) and one {@code <sessionId>.jsonl} transcript per
 * session, one event per line ({@code type: "message"} lines are the messages). OpenClaw 2026.9.6
 * only imports this layout ({@code openclaw doctor --fix}); it never runs on it.
 *
 * <p>The message hash follows {@link SessionDigest}'s definition over each message line's bytes.
 */
public final class LegacyStore {

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private final Path index;

  public LegacyStore(Path index) {
    this.index = index;
  }

  /** Whether the legacy index exists. */
  public boolean exists() {
    return Files.isRegularFile(index);
  }

  /**
   * Every session of the legacy index with its digest and zone figures.
   *
   * @throws SessionException when the index or a transcript cannot be read
   */
  public AgentSessions read(String agent, ZonePolicy zones, Instant now) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(index.toFile());
    } catch (IOException e) {
      throw new SessionException(
          "cannot read the legacy session index " + index + ": " + e.getMessage(), e);
    }
    long[] counts = new long[Zone.values().length];
    long[] bytes = new long[Zone.values().length];
    List<SessionDigest> sessions = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String id = entry.getValue().path("sessionId").asText("");
      if (!SESSION_ID.matcher(id).matches()) {
        throw new SessionException(
            index + ": session '" + entry.getKey() + "' has no usable sessionId ('" + id + "')");
      }
      Path transcript = index.resolveSibling(id + ".jsonl");
      MessageDigest sha = AgentStore.sha256();
      ByteBuffer length = ByteBuffer.allocate(Long.BYTES);
      long messages = 0;
      long total = 0;
      long last = entry.getValue().path("updatedAt").asLong(0);
      if (Files.isRegularFile(transcript)) {
        try (BufferedReader in = Files.newBufferedReader(transcript, StandardCharsets.UTF_8)) {
          for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) {
              continue;
            }
            byte[] raw = line.getBytes(StandardCharsets.UTF_8);
            total += raw.length;
            JsonNode event = Json.mapper().readTree(line);
            long at = time(event);
            last = Math.max(last, at);
            if ("message".equals(event.path("type").asText())) {
              messages++;
              sha.update(length.clear().putLong(raw.length).array());
              sha.update(raw);
              Zone z = zones.classify(Instant.ofEpochMilli(at), now);
              counts[z.ordinal()]++;
              bytes[z.ordinal()] += raw.length;
            }
          }
        } catch (IOException e) {
          throw new SessionException(
              "cannot read the legacy transcript " + transcript + ": " + e.getMessage(), e);
        }
      }
      Instant lastActivity = Instant.ofEpochMilli(last);
      sessions.add(
          new SessionDigest(
              entry.getKey(),
              id,
              messages,
              HexFormat.of().formatHex(sha.digest()),
              total,
              lastActivity,
              zones.classify(lastActivity, now)));
    }
    sessions.sort(Comparator.comparing(SessionDigest::lastActivity).reversed());
    Map<Zone, ZoneFigures> figures = new EnumMap<>(Zone.class);
    for (Zone z : Zone.values()) {
      long n = sessions.stream().filter(s -> s.zone() == z).count();
      figures.put(z, new ZoneFigures(n, counts[z.ordinal()], bytes[z.ordinal()]));
    }
    return new AgentSessions(agent, "legacy", 0, "", figures, sessions);
  }

  private static long time(JsonNode event) {
    JsonNode ts = event.path("timestamp");
    if (ts.isNumber()) {
      return ts.asLong();
    }
    if (ts.isTextual()) {
      try {
        return Instant.parse(ts.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        return 0;
      }
    }
    return event.path("message").path("timestamp").asLong(0);
  }
}
