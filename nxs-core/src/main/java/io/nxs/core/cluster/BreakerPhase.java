package io.nxs.core.cluster;

/** A provider breaker's state, as shared between instances. */
public enum BreakerPhase {
  CLOSED,
  OPEN,
  HALF_OPEN
}
