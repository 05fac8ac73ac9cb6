package io.nxs.sync;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;

/**
 * A file both sides changed since the last sync, and how the sync resolved it (SPEC SY3). Each one
 * is an audit entry ({@code sync.conflict}) and listed by {@code nxs sync status}.
 *
 * @param id stable for the same path and versions, so a resolution retried after a crash is one
 *     conflict
 * @param at when it was resolved
 * @param path the file
 * @param kind what happened
 * @param resolution one line for the operator, e.g. "kept home-1a2b's version (written
 *     2026-12-06T14:03:12Z, later); edge-9f8e's kept as MEMORY.conflict-….md"
 * @param copyPath where the other version was kept, if it was
 * @param localNode this instance
 * @param remoteNode the instance whose version came from the remote
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SyncConflict(
    String id,
    Instant at,
    String path,
    Kind kind,
    String resolution,
    String copyPath,
    String localNode,
    String remoteNode) {

  /** The kinds of conflict, by the rule that resolved them. */
  public enum Kind {
    /** {@code append}: both sides' new entries merged into one file. */
    MERGED("merged"),
    /** {@code replace} or no rule: the later write won, the other kept as a conflict copy. */
    LAST_WRITE_WINS("last-write-wins"),
    /** {@code append-date}: the remote's version kept the name, the local one a dated name. */
    DATED_COPY("dated-copy"),
    /** Deleted on one side, modified on the other: the modified version kept. */
    DELETED_AND_MODIFIED("deleted-and-modified");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }

    /** The kind with this label. */
    public static Kind of(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown conflict kind '" + label + "'");
    }
  }
}
