package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * What {@code nxs backup restore} did.
 *
 * @param snapshot the snapshot restored from
 * @param to the directory restored into
 * @param files files written, each checked against its SHA-256
 * @param bytes their total size
 * @param millis how long it took
 */
public record RestoreResult(
    @JsonProperty("snapshot") String snapshot,
    @JsonProperty("to") Path to,
    @JsonProperty("files") long files,
    @JsonProperty("bytes") long bytes,
    @JsonProperty("millis") long millis) {}
