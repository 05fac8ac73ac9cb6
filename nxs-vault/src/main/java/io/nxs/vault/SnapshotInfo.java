package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One snapshot as {@code nxs backup list} shows it.
 *
 * @param id the snapshot id
 * @param createdAt when the backup started
 * @param files how many files it holds
 * @param bytes their total size
 * @param addedBlobs blobs this backup stored (the rest were there already)
 * @param addedBytes stored bytes this backup added
 * @param targets the targets holding it
 * @param verifiedAt when it last passed a verify, if ever
 * @param verifyOk the last verify's outcome, null when never verified
 */
public record SnapshotInfo(
    @JsonProperty("id") String id,
    @JsonProperty("created_at") Instant createdAt,
    @JsonProperty("files") long files,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("added_blobs") long addedBlobs,
    @JsonProperty("added_bytes") long addedBytes,
    @JsonProperty("targets") List<String> targets,
    @JsonProperty("verified_at") Instant verifiedAt,
    @JsonProperty("verify_ok") Boolean verifyOk) {}
