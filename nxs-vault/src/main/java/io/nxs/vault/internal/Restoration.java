package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.vault.Manifest;
import io.nxs.vault.Progress;
import io.nxs.vault.RestoreResult;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.VaultException;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Restores a snapshot, or one file or directory of it, into a directory that is absent or empty
 * (SPEC VA7). Everything is written into a temporary sibling by the {@link Restorer}, checked
 * against the manifest's SHA-256, then moved into place: a failure (wrong key, damaged blob) leaves
 * nothing.
 */
public final class Restoration {

  private final Path home;
  private final Catalog catalog;
  private final Supplier<List<Repository>> existing;
  private final Operations operations;

  /**
   * @param existing the reachable repositories, opened with the existing key only
   */
  public Restoration(
      Path home, Catalog catalog, Supplier<List<Repository>> existing, Operations operations) {
    this.home = home;
    this.catalog = catalog;
    this.existing = existing;
    this.operations = operations;
  }

  /**
   * Restores.
   *
   * @param which a snapshot id or {@code latest}
   * @param to the directory; never the NXS home (use the recovery for the live state database)
   * @param file a path in the snapshot, e.g. {@code files/agent/MEMORY.md}; null for all
   * @throws VaultException when the directory is the home or not empty, the file is not in the
   *     snapshot, or a blob is damaged on every target
   */
  public RestoreResult restore(
      String actor, String which, Path to, String file, Progress progress) {
    Path dest = to.toAbsolutePath().normalize();
    if (dest.equals(home)) {
      throw new VaultException(
          "restoring over the NXS home "
              + home
              + " is refused: the running daemon's state.db would"
              + " be replaced under it; restore into another directory, or stop NXS and run"
              + " 'nxs backup recover' (the level-6 healing action does it safely)");
    }
    try {
      if (Files.exists(dest) && !LocalPaths.isEmptyDirectory(dest)) {
        throw new VaultException(
            "restore target " + dest + " is not an empty directory: choose a new or empty one");
      }
    } catch (IOException e) {
      throw new VaultException("cannot read the restore target " + dest + ": " + e.getMessage(), e);
    }
    List<Repository> repos = existing.get();
    SnapshotInfo info = catalog.find(which);
    Path temp =
        dest.resolveSibling(
            "."
                + dest.getFileName()
                + ".restoring-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    try {
      return operations.run(
          new Job("restore", actor, "backup.restore_failed", info.id()),
          run -> {
            run.lockAll(repos, RepositoryLock.Kind.SHARED);
            Manifest m = Catalog.readManifest(repos, info.id());
            List<Manifest.Entry> entries =
                file == null
                    ? m.entries()
                    : m.entries().stream().filter(e -> Restorer.selects(file, e)).toList();
            if (entries.isEmpty()) {
              throw new VaultException(
                  "snapshot "
                      + info.id()
                      + " has no file '"
                      + file
                      + "': paths look like "
                      + (m.files().isEmpty()
                          ? Sources.STATE_DB_PATH
                          : m.files().getFirst().path()));
            }
            Files.createDirectories(temp);
            long bytes = new Restorer(repos, progress).restore(m, entries, temp);
            if (Files.exists(dest)) {
              Files.delete(dest);
            }
            Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE);
            long files = entries.stream().filter(e -> e.type() == Manifest.EntryType.FILE).count();
            long millis = run.millis();
            return new Done<>(
                new RestoreResult(info.id(), dest, files, bytes, millis),
                new Record(
                    new Event(
                        "backup.restore",
                        Severity.MEDIUM,
                        info.id(),
                        Map.of(
                            "to",
                            dest.toString(),
                            "file",
                            file == null ? "*" : file,
                            "files",
                            files,
                            "bytes",
                            bytes,
                            "millis",
                            millis)),
                    true,
                    info.id(),
                    dest.toString()));
          });
    } finally {
      // Gone after a successful move; what a failure left must not look like a restore.
      LocalPaths.deleteTree(temp);
    }
  }
}
