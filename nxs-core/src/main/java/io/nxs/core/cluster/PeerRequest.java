package io.nxs.core.cluster;

import java.util.Objects;
import java.util.Set;

/**
 * What a module asks of {@link ClusterView#peerFor}: another instance to hand a request to.
 *
 * @param stickyKey keeps the same key (a session id) on the same instance while it stays healthy;
 *     empty for none
 * @param allowedRegions regions the data may go to (residency, SPEC CL7); empty means any
 */
public record PeerRequest(String stickyKey, Set<String> allowedRegions) {

  public PeerRequest {
    stickyKey = stickyKey == null ? "" : stickyKey;
    allowedRegions = allowedRegions == null ? Set.of() : Set.copyOf(allowedRegions);
  }

  /** Any healthy peer, no stickiness, no residency limit. */
  public static PeerRequest any() {
    return new PeerRequest("", Set.of());
  }

  /** A request kept on one instance per key. */
  public static PeerRequest sticky(String key) {
    return new PeerRequest(Objects.requireNonNull(key, "key"), Set.of());
  }

  /** A copy limited to these regions. */
  public PeerRequest within(Set<String> regions) {
    return new PeerRequest(stickyKey, regions);
  }
}
