package io.nxs.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * What one {@link AuditLog#archive} run moved.
 *
 * @param entries how many entries moved to the archive file (0 when none were old enough)
 * @param firstSeq first archived seq (0 when none)
 * @param lastSeq last archived seq (0 when none)
 * @param file the signed archive file written, or null when none
 */
public record ArchiveResult(
    @JsonProperty("entries") long entries,
    @JsonProperty("first_seq") long firstSeq,
    @JsonProperty("last_seq") long lastSeq,
    @JsonProperty("file") Path file) {

  /** Nothing was old enough to archive. */
  public static ArchiveResult nothing() {
    return new ArchiveResult(0, 0, 0, null);
  }
}
