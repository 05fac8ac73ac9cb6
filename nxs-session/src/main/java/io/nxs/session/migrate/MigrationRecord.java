package io.nxs.session.migrate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A migration as stored and shown ({@code /api/v1/migrations}, {@code nxs session migrations}).
 *
 * @param id shared by source and target
 * @param role {@code source} or {@code target} (this instance's part)
 * @param peer the other side: the target's URL, or the source's name
 * @param agent the one agent migrated, or null for all
 * @param state INIT … ACTIVE or FAILED
 * @param failedIn the step a FAILED migration stopped in
 * @param reason why it failed, one line for the operator
 * @param resumable whether {@code nxs session migrate --resume ID} continues it
 * @param phase {@code bulk} (snapshots taken while the agent ran) or {@code final} (after the
 *     fence)
 * @param bytesTotal bytes to transfer in the current phase
 * @param bytesDone bytes the target has acknowledged in the current phase
 * @param lazy agents left for later (a target short of disk), comma-separated; null for none
 * @param detail what the step reported (import proof, timings), as JSON text
 * @param createdAt when it started
 * @param updatedAt its last change
 */
public record MigrationRecord(
    @JsonProperty("id") String id,
    @JsonProperty("role") String role,
    @JsonProperty("peer") String peer,
    @JsonProperty("agent") String agent,
    @JsonProperty("state") String state,
    @JsonProperty("failed_in") String failedIn,
    @JsonProperty("reason") String reason,
    @JsonProperty("resumable") boolean resumable,
    @JsonProperty("phase") String phase,
    @JsonProperty("bytes_total") long bytesTotal,
    @JsonProperty("bytes_done") long bytesDone,
    @JsonProperty("lazy") String lazy,
    @JsonProperty("detail") String detail,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("updated_at") Instant updatedAt) {

  /** The state as its type. */
  public MigrationState typedState() {
    return "FAILED".equals(state)
        ? new MigrationState.Failed(failedIn, reason, resumable)
        : MigrationState.of(state);
  }
}
