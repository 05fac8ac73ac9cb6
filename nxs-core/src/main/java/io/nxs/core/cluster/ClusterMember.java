package io.nxs.core.cluster;

import java.util.Objects;
import java.util.Set;

/**
 * One instance of the cluster as others see it.
 *
 * @param nodeId the instance's configured id, unique in the cluster
 * @param state its lifecycle state
 * @param score its placement score in [0, 1] (SPEC CL3); 0 when unknown
 * @param region its region, e.g. {@code eu-west}; empty when not configured
 * @param roles its roles, e.g. {@code witness} (takes no work)
 * @param apiUrl where its HTTP API answers, e.g. {@code http://10.0.0.2:8787}; empty when unknown
 * @param self whether this is the local instance
 */
public record ClusterMember(
    String nodeId,
    NodeState state,
    double score,
    String region,
    Set<String> roles,
    String apiUrl,
    boolean self) {

  /** The role of an instance that only settles ties and takes no work. */
  public static final String WITNESS = "witness";

  public ClusterMember {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    region = region == null ? "" : region;
    roles = roles == null ? Set.of() : Set.copyOf(roles);
    apiUrl = apiUrl == null ? "" : apiUrl;
  }

  /** Whether the instance may be given work now: taking work by state and not a witness. */
  public boolean takesWork() {
    return state.takesWork() && !roles.contains(WITNESS);
  }
}
