package io.nxs.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A sign of life: the daemon publishes one periodically; the Doctor turns the time since the last
 * one into {@code nxs.last_heartbeat} (SPEC DR1) and any other part may publish its own.
 *
 * @param at when it was sent, from the publisher's clock
 * @param source who is alive, e.g. {@code daemon}
 */
public record Heartbeat(Instant at, String source) implements NxsEvent {

  public Heartbeat {
    Objects.requireNonNull(at, "at");
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("a heartbeat needs a source");
    }
  }
}
