package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a rotation of the vault key did (ADR 0152); never any key material.
 *
 * @param generation the key ring's generation now on every target
 * @param dataKey the id of the data key new snapshots are sealed under
 * @param dataKeys how many data keys the ring holds (older snapshots keep theirs)
 * @param newDataKey whether a new data key was started (no deduplication with older snapshots)
 * @param masterRotated whether a new master key was written (false for a passphrase vault)
 * @param resumed whether it finished a rotation an earlier run left unfinished
 * @param keyFile the key file to keep apart from the backups now; null for a passphrase
 * @param targets the targets whose ring was re-wrapped
 */
public record KeyRotationResult(
    int generation,
    @JsonProperty("data_key") int dataKey,
    @JsonProperty("data_keys") int dataKeys,
    @JsonProperty("new_data_key") boolean newDataKey,
    @JsonProperty("master_rotated") boolean masterRotated,
    boolean resumed,
    @JsonProperty("key_file") String keyFile,
    List<String> targets) {}
