package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One OpenClaw agent's sessions: what {@code nxs session list} shows and what a migration carries.
 *
 * @param agent the agent id, e.g. {@code main}
 * @param format {@code sqlite} (OpenClaw's current store) or {@code legacy} ({@code sessions.json}
 *     and a JSONL file per session, which OpenClaw imports with {@code doctor --fix})
 * @param schema the store's schema version ({@code PRAGMA user_version}; 0 for legacy)
 * @param writtenBy the OpenClaw version that last wrote the store, when it says
 * @param zones per zone: sessions, messages, bytes
 * @param sessions every session, newest first
 */
public record AgentSessions(
    @JsonProperty("agent") String agent,
    @JsonProperty("format") String format,
    @JsonProperty("schema") int schema,
    @JsonProperty("written_by") String writtenBy,
    @JsonProperty("zones") Map<Zone, ZoneFigures> zones,
    @JsonProperty("sessions") List<SessionDigest> sessions) {

  @JsonCreator
  public AgentSessions {
    zones = Map.copyOf(zones);
    sessions = List.copyOf(sessions);
  }

  public long messages() {
    return sessions.stream().mapToLong(SessionDigest::messages).sum();
  }

  public long bytes() {
    return sessions.stream().mapToLong(SessionDigest::bytes).sum();
  }

  /** The hottest zone any session is in (HOT before WARM ...); FROZEN when there is none. */
  public Zone hottest() {
    return sessions.stream().map(SessionDigest::zone).min(Enum::compareTo).orElse(Zone.FROZEN);
  }
}
