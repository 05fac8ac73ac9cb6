package io.nxs.core.cluster;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * One primary for the agent: exactly one instance runs the OpenClaw gateway (its chat channels) at
 * a time. The instance that holds the lease starts the agent; when the lease is revoked it stops it
 * at once. Another instance is granted the lease only after the holder is proven stopped or its
 * lease expired, with a higher fencing token. A single node always holds it.
 */
public interface PrimaryLease {

  /** The grant this instance holds, if it holds the lease now. */
  Optional<LeaseGrant> held();

  /** The instance the cluster believes holds the lease, if any (for status displays). */
  Optional<String> holder();

  /**
   * Whether a token is still the current grant of this instance: check it right before an action
   * that must not be done by a stale primary.
   */
  default boolean valid(long fencingToken) {
    return held().map(g -> g.fencingToken() == fencingToken).orElse(false);
  }

  /**
   * Calls the listener with the current grant now and on every change (granted, revoked).
   *
   * @return closes the subscription
   */
  AutoCloseable watch(Consumer<Optional<LeaseGrant>> listener);
}
