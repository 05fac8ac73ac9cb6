package io.nxs.vault;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code nxs backup create} did.
 *
 * @param snapshot the committed snapshot
 * @param millis how long it took
 * @param failedTargets targets that did not get it, with the reason; the others did
 * @param memoryLosses agent memory files that disappeared or shrank by more than half since the
 *     previous snapshot
 */
public record BackupResult(
    @JsonProperty("snapshot") SnapshotInfo snapshot,
    @JsonProperty("millis") long millis,
    @JsonProperty("failed_targets") Map<String, String> failedTargets,
    @JsonProperty("memory_losses") List<MemoryLoss> memoryLosses) {

  /**
   * A memory file that was lost or cut (seed: users lose MEMORY.md to resets and cleanups).
   *
   * @param path the file's path in the snapshot
   * @param previousSize its size in the snapshot before
   * @param size its size now, 0 when it is gone
   */
  public record MemoryLoss(
      @JsonProperty("path") String path,
      @JsonProperty("previous_size") long previousSize,
      @JsonProperty("size") long size) {}
}
