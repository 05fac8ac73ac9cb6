package io.nxs.core.cluster;

import java.util.Objects;

/**
 * The agent-primary lease as held by one instance.
 *
 * @param holder the holding instance's id
 * @param fencingToken strictly increasing across grants in the cluster: a resource that remembers
 *     the highest token it saw refuses a holder whose token is lower (a stale primary)
 */
public record LeaseGrant(String holder, long fencingToken) {
  public LeaseGrant {
    Objects.requireNonNull(holder, "holder");
    if (fencingToken < 1) {
      throw new IllegalArgumentException("fencing token must be positive, but was " + fencingToken);
    }
  }
}
