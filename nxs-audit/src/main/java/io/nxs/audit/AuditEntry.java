package io.nxs.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.nxs.core.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * One stored audit entry, in the JSON shape of seed 001 §8 plus the chain fields.
 *
 * @param seq position in the chain, from 1, without gaps
 * @param timestamp when the event was appended (millisecond precision)
 * @param eventType dotted lower-case type, e.g. {@code security.lockout}
 * @param severity how bad it is
 * @param actor who did it
 * @param target what it was done to
 * @param details small JSON facts
 * @param prevHash hex SHA-256 of the previous entry's canonical encoding (64 zeros for seq 1)
 * @param hash hex SHA-256 of this entry's canonical encoding
 * @param signature base64 Ed25519 signature over {@code hash}; present on the last entry of each
 *     committed batch (it covers every earlier entry through the chain), null on the others
 */
@JsonPropertyOrder({
  "seq",
  "timestamp",
  "event_type",
  "severity",
  "actor",
  "target",
  "details",
  "prev_hash",
  "hash",
  "signature"
})
public record AuditEntry(
    @JsonProperty("seq") long seq,
    @JsonProperty("timestamp") Instant timestamp,
    @JsonProperty("event_type") String eventType,
    @JsonIgnore Severity severity,
    @JsonProperty("actor") String actor,
    @JsonProperty("target") String target,
    @JsonProperty("details") Map<String, Object> details,
    @JsonProperty("prev_hash") String prevHash,
    @JsonProperty("hash") String hash,
    @JsonProperty("signature") String signature) {

  /** The severity's lower-case label, as written in JSON. */
  @JsonProperty("severity")
  public String severityLabel() {
    return severity.label();
  }

  /** Whether this entry carries a batch signature. */
  @JsonIgnore
  public boolean signed() {
    return signature != null;
  }
}
