package io.nxs.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.cluster.heal.HealReport;
import io.nxs.core.cluster.ClusterMember;
import java.util.List;

/**
 * What {@code nxs cluster status} and {@code GET /api/v1/cluster} show.
 *
 * @param nodeId this node's id
 * @param clustered whether the cluster is on ({@code cluster.enabled})
 * @param address this node's Pekko address, {@code host:port}; empty for a single node
 * @param onMajoritySide whether this node is on the side that keeps running
 * @param acceptsWork whether it takes new work now
 * @param coordinator whether it decides placement and leases now
 * @param members every instance it knows, with state, score and region
 * @param lease the agent-primary lease
 * @param conflictsPending conflicts after a split that wait for a person
 * @param lastHeal the last heal this node ran, if any
 * @param refusal why the cluster refused this node, empty when it did not
 */
public record ClusterStatus(
    @JsonProperty("node_id") String nodeId,
    boolean clustered,
    String address,
    @JsonProperty("on_majority_side") boolean onMajoritySide,
    @JsonProperty("accepts_work") boolean acceptsWork,
    boolean coordinator,
    List<Member> members,
    Lease lease,
    @JsonProperty("conflicts_pending") int conflictsPending,
    @JsonProperty("last_heal") HealReport lastHeal,
    String refusal) {

  /**
   * One instance as shown.
   *
   * @param nodeId its id
   * @param state its lifecycle state
   * @param score its score, rounded to 3 places
   * @param region its region
   * @param roles its roles
   * @param self whether it is this node
   */
  public record Member(
      @JsonProperty("node_id") String nodeId,
      String state,
      double score,
      String region,
      List<String> roles,
      boolean self) {

    public static Member of(ClusterMember m) {
      return new Member(
          m.nodeId(),
          m.state().name(),
          Math.round(m.score() * 1000) / 1000.0,
          m.region(),
          m.roles().stream().sorted().toList(),
          m.self());
    }
  }

  /**
   * The agent-primary lease.
   *
   * @param holder who holds it; empty when nobody does
   * @param fencingToken the current token; 0 when never granted
   * @param heldHere whether this node holds it
   */
  public record Lease(
      String holder,
      @JsonProperty("fencing_token") long fencingToken,
      @JsonProperty("held_here") boolean heldHere) {}
}
