package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What {@code nxs backup prune} did (or, in a dry run, would do).
 *
 * @param dryRun nothing was deleted
 * @param kept snapshots the retention policy keeps
 * @param removed snapshots removed
 * @param blobsRemoved blobs no kept snapshot uses any more, removed
 * @param bytesFreed their stored size
 * @param millis how long it took
 */
public record PruneResult(
    @JsonProperty("dry_run") boolean dryRun,
    @JsonProperty("kept") List<String> kept,
    @JsonProperty("removed") List<String> removed,
    @JsonProperty("blobs_removed") long blobsRemoved,
    @JsonProperty("bytes_freed") long bytesFreed,
    @JsonProperty("millis") long millis) {}
