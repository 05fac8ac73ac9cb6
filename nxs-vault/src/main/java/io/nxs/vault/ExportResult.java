package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * An offline export: one tar of a repository, still encrypted, restorable by unpacking it and
 * pointing a {@code local} target at the directory.
 *
 * @param file the tar file written
 * @param objects repository objects in it
 * @param snapshots snapshots in it
 * @param bytes the tar's size
 */
public record ExportResult(
    @JsonProperty("file") Path file,
    @JsonProperty("objects") long objects,
    @JsonProperty("snapshots") long snapshots,
    @JsonProperty("bytes") long bytes) {}
