package io.nxs.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How much of an agent's history lies in one zone: sessions (by last activity), messages and their
 * bytes (by each message's own time).
 */
public record ZoneFigures(
    @JsonProperty("sessions") long sessions,
    @JsonProperty("messages") long messages,
    @JsonProperty("bytes") long bytes) {

  @JsonCreator
  public ZoneFigures {}

  public static final ZoneFigures NONE = new ZoneFigures(0, 0, 0);

  ZoneFigures plus(ZoneFigures o) {
    return new ZoneFigures(sessions + o.sessions, messages + o.messages, bytes + o.bytes);
  }
}
