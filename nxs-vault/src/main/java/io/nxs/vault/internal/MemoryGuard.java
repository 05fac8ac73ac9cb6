package io.nxs.vault.internal;

import io.nxs.vault.BackupResult.MemoryLoss;
import io.nxs.vault.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices agent memory being lost (seed: users lose MEMORY.md to resets and cleanups): each backup
 * records the sizes of the memory files it took, and a file that is gone or shrank by more than
 * half since the snapshot before is a loss.
 */
public final class MemoryGuard {

  private final VaultIndex index;

  public MemoryGuard(VaultIndex index) {
    this.index = index;
  }

  /** Records the memory files of a new snapshot and returns what was lost since the previous. */
  public List<MemoryLoss> record(Manifest m) {
    Map<String, Long> now = sizes(m);
    List<MemoryLoss> losses = losses(index.memorySizesBefore(m.id()), now);
    index.putMemorySizes(m.id(), now);
    return losses;
  }

  /** Whether a snapshot path is an agent memory file (MEMORY.md or a daily memory/*.md). */
  public static boolean isMemoryFile(String path) {
    return path.endsWith("/MEMORY.md")
        || path.equals("MEMORY.md")
        || path.matches("(.*/)?memory/[^/]+\\.md");
  }

  static Map<String, Long> sizes(Manifest m) {
    Map<String, Long> sizes = new HashMap<>();
    for (Manifest.Entry e : m.files()) {
      if (isMemoryFile(e.path())) {
        sizes.put(e.path(), e.size());
      }
    }
    return sizes;
  }

  /** The files of {@code before} that are gone from {@code now} or less than half their size. */
  public static List<MemoryLoss> losses(Map<String, Long> before, Map<String, Long> now) {
    List<MemoryLoss> losses = new ArrayList<>();
    before.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              long size = now.getOrDefault(e.getKey(), 0L);
              if (!now.containsKey(e.getKey()) || size * 2 < e.getValue()) {
                losses.add(new MemoryLoss(e.getKey(), e.getValue(), size));
              }
            });
    return losses;
  }
}
