package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A restore drill (SPEC VA7): the newest snapshot restored into a scratch directory, every file
 * checked against its SHA-256, every SQLite database through {@code PRAGMA integrity_check}.
 *
 * @param snapshot the snapshot restored
 * @param ok whether everything restored intact
 * @param rtoMillis the measured recovery time: restore plus checks
 * @param rtoTargetMillis the objective, 15 minutes
 * @param files files restored
 * @param bytes bytes restored
 * @param databases SQLite databases checked
 * @param findings what failed, empty when ok
 */
public record DrillResult(
    @JsonProperty("snapshot") String snapshot,
    @JsonProperty("ok") boolean ok,
    @JsonProperty("rto_millis") long rtoMillis,
    @JsonProperty("rto_target_millis") long rtoTargetMillis,
    @JsonProperty("files") long files,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("databases") int databases,
    @JsonProperty("findings") List<String> findings) {}
