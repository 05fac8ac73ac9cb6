package io.nxs.core.event;

import java.time.Instant;

/** A typed event on the in-process bus. Events are small immutable records. */
public interface NxsEvent {

  /** When it happened, from the publisher's clock. */
  Instant at();
}
