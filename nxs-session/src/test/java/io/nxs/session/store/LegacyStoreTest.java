package io.nxs.session.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.session.AgentSessions;
import io.nxs.session.SessionDigest;
import io.nxs.session.Zone;
import io.nxs.session.ZonePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenClaw's legacy layout: sessions.json and one JSONL transcript per session. */
class LegacyStoreTest {

  @TempDir Path dir;
  private final Instant now = Instant.parse("2026-12-06T12:00:00Z");

  private Path store() throws Exception {
    Path sessions = Files.createDirectories(dir.resolve("agents/main/sessions"));
    Files.writeString(
        sessions.resolve("sessions.json"),
        """
        {"agent:main:recent": {"sessionId": "s-1", "updatedAt": 1796558400000},
         "agent:main:old": {"sessionId": "s-2", "updatedAt": 1780000000000}}
        """);
    Files.writeString(
        sessions.resolve("s-1.jsonl"),
        """
        {"type":"session","id":"s-1","timestamp":"2026-12-06T10:00:00Z"}
        {"type":"message","id":"m1","message":{"role":"user","content":"hi"},"timestamp":"2026-12-06T10:00:01Z"}
        {"type":"model_change","id":"c1","timestamp":"2026-12-06T10:00:02Z"}
        {"type":"message","id":"m2","message":{"role":"assistant","content":[{"type":"text","text":"hello"}]},"timestamp":"2026-12-06T10:00:03Z"}
        """);
    Files.writeString(
        sessions.resolve("s-2.jsonl"),
        """
        {"type":"message","id":"m3","message":{"role":"user","content":"long ago"},"timestamp":"2026-05-01T00:00:00Z"}
        """);
    return sessions.resolve("sessions.json");
  }

  @Test
  void sessionsMessagesAndZonesComeFromTheIndexAndTheTranscripts() throws Exception {
    AgentSessions a = new LegacyStore(store()).read("main", ZonePolicy.DEFAULT, now);
    assertThat(a.format()).isEqualTo("legacy");
    assertThat(a.sessions())
        .extracting(SessionDigest::key)
        .containsExactly("agent:main:recent", "agent:main:old");
    SessionDigest recent = a.sessions().getFirst();
    assertThat(recent.messages()).isEqualTo(2);
    assertThat(recent.zone()).isEqualTo(Zone.HOT);
    assertThat(a.sessions().get(1).zone()).isEqualTo(Zone.FROZEN);
    assertThat(a.zones().get(Zone.HOT).messages()).isEqualTo(2);
    assertThat(a.zones().get(Zone.FROZEN).messages()).isEqualTo(1);
    assertThat(a.messages()).isEqualTo(3);
  }

  @Test
  void theHashFollowsTheMessagesAndTheirOrder() throws Exception {
    Path index = store();
    String before =
        new LegacyStore(index).read("main", ZonePolicy.DEFAULT, now).sessions().getFirst().sha256();
    Path t = index.resolveSibling("s-1.jsonl");
    Files.writeString(t, Files.readString(t).replace("\"hi\"", "\"hi!\""));
    String after =
        new LegacyStore(index).read("main", ZonePolicy.DEFAULT, now).sessions().getFirst().sha256();
    assertThat(after).hasSize(64).isNotEqualTo(before);
  }

  @Test
  void anIndexEntryWithoutASessionIdIsNamed() throws Exception {
    Path index = store();
    Files.writeString(index, "{\"agent:main:x\": {\"updatedAt\": 1}}");
    assertThatThrownBy(() -> new LegacyStore(index).read("main", ZonePolicy.DEFAULT, now))
        .hasMessageContaining("session 'agent:main:x' has no usable sessionId");
  }
}
