package io.nxs.doctor.advice;

import io.nxs.core.event.NxsEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * A scale signal (SPEC DR10): the fleet should grow or shrink by one instance, within its bounds.
 * Published on the event bus, written to the audit log ({@code doctor.scale_up} / {@code
 * doctor.scale_down}) and handed to the {@code scaling.hook} command.
 *
 * @param direction grow or shrink
 * @param instances the instances that take work now
 * @param advised the instances advised, one more or one fewer, within the bounds
 * @param reason what held long enough to say so, e.g. {@code CPU > 70 % for 5 min (82 %)}
 * @param at when it was decided
 */
public record ScalingSignal(
    Direction direction, int instances, int advised, String reason, Instant at)
    implements NxsEvent {

  /** Which way to scale. */
  public enum Direction {
    UP,
    DOWN;

    /** The audit event type: {@code doctor.scale_up} or {@code doctor.scale_down}. */
    public String auditType() {
      return this == UP ? "doctor.scale_up" : "doctor.scale_down";
    }
  }

  public ScalingSignal {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
