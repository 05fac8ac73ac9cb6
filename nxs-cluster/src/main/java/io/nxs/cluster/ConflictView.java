package io.nxs.cluster;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.cluster.heal.Conflict;
import java.time.Instant;

/**
 * A conflict in the review queue as people see it: secrets only as fingerprints.
 *
 * @param id the id to approve or reject it by
 * @param kind {@code identity} or {@code secret}
 * @param key the value's key
 * @param kept the value the cluster runs on meanwhile (and keeps on reject)
 * @param keptBy who wrote it
 * @param proposed the value the other side wrote (taken on approve)
 * @param proposedBy who wrote it
 * @param proposedAt when
 * @param status {@code pending}, {@code approved} or {@code rejected}
 * @param decidedBy who decided
 */
public record ConflictView(
    String id,
    String kind,
    String key,
    String kept,
    @JsonProperty("kept_by") String keptBy,
    String proposed,
    @JsonProperty("proposed_by") String proposedBy,
    @JsonProperty("proposed_at") Instant proposedAt,
    String status,
    @JsonProperty("decided_by") String decidedBy) {

  public static ConflictView of(Conflict c) {
    return new ConflictView(
        c.id(),
        c.kind().name().toLowerCase(java.util.Locale.ROOT),
        c.key(),
        c.shown(c.kept()),
        c.keptBy(),
        c.shown(c.proposed()),
        c.proposedBy(),
        c.proposedAt(),
        c.status().name().toLowerCase(java.util.Locale.ROOT),
        c.decidedBy());
  }
}
