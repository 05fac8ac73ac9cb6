package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.vault.Manifest;
import io.nxs.vault.PruneResult;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies the retention policy (SPEC VA4): removes the snapshots it does not keep, then the blobs
 * no remaining snapshot uses. Holds every repository's exclusive lock, so it never runs beside a
 * backup; a lock left by a killed process expires. Manifests go first, so a snapshot disappears
 * whole before any of its blobs does.
 */
public final class Pruner {

  private final VaultConfig.Retention retention;
  private final Catalog catalog;
  private final Supplier<List<Repository>> existing;
  private final VaultIndex index;
  private final Operations operations;

  public Pruner(
      VaultConfig.Retention retention,
      Catalog catalog,
      Supplier<List<Repository>> existing,
      VaultIndex index,
      Operations operations) {
    this.retention = retention;
    this.catalog = catalog;
    this.existing = existing;
    this.index = index;
    this.operations = operations;
  }

  /**
   * Prunes, or with {@code dryRun} only counts what it would remove.
   *
   * @throws VaultException when another operation holds a lock, or a kept manifest cannot be read
   *     (then nothing is deleted: an unreadable manifest's blobs might still be needed)
   */
  public PruneResult prune(String actor, boolean dryRun) {
    return operations.run(
        new Job("prune", actor, "backup.prune_failed", "retention"),
        run -> {
          List<Repository> repos = existing.get();
          run.lockAll(repos, RepositoryLock.Kind.EXCLUSIVE);
          Map<String, Instant> created = new LinkedHashMap<>();
          for (SnapshotInfo s : catalog.list()) {
            created.put(s.id(), s.createdAt());
          }
          Set<String> keep = RetentionRule.keep(created, retention);
          List<String> removed =
              created.keySet().stream().filter(id -> !keep.contains(id)).sorted().toList();
          long blobsRemoved = 0;
          long bytesFreed = 0;
          for (Repository repo : repos) {
            Set<String> used = used(repo, keep);
            Map<String, Long> blobs = repo.blobs();
            for (Map.Entry<String, Long> b : blobs.entrySet()) {
              if (!used.contains(b.getKey())) {
                blobsRemoved++;
                bytesFreed += b.getValue();
              }
            }
            if (!dryRun) {
              remove(repo, keep, used, blobs.keySet());
            }
          }
          PruneResult result =
              new PruneResult(
                  dryRun,
                  keep.stream().sorted().toList(),
                  removed,
                  blobsRemoved,
                  bytesFreed,
                  run.millis());
          if (dryRun) {
            return new Done<>(result, Record.NOTHING);
          }
          removed.forEach(index::deleteSnapshot);
          return new Done<>(
              result,
              new Record(
                  new Event(
                      "backup.prune",
                      Severity.INFO,
                      "retention",
                      Map.of(
                          "kept",
                          keep.size(),
                          "removed",
                          removed.size(),
                          "blobs_removed",
                          blobsRemoved,
                          "bytes_freed",
                          bytesFreed)),
                  true,
                  null,
                  removed.size() + " snapshots, " + blobsRemoved + " blobs"));
        });
  }

  /** The blobs the kept snapshots of a repository use. */
  private static Set<String> used(Repository repo, Set<String> keep) throws IOException {
    Set<String> used = new HashSet<>();
    for (String id : repo.snapshotIds()) {
      if (!keep.contains(id)) {
        continue;
      }
      Manifest m;
      try {
        m = repo.manifest(id);
      } catch (IOException | VaultException e) {
        throw new VaultException(
            "prune stopped before deleting anything at "
                + repo.target().describe()
                + ": the manifest of snapshot "
                + id
                + " cannot be read ("
                + e.getMessage()
                + "); run 'nxs backup verify' and repair or remove it first",
            e);
      }
      m.files().forEach(f -> f.chunks().forEach(c -> used.add(c.id())));
    }
    return used;
  }

  private static void remove(Repository repo, Set<String> keep, Set<String> used, Set<String> blobs)
      throws IOException {
    for (String id : repo.snapshotIds()) {
      if (!keep.contains(id)) {
        repo.deleteSnapshot(id);
      }
    }
    for (String blob : blobs) {
      if (!used.contains(blob)) {
        repo.deleteBlob(blob);
      }
    }
    CheckpointKeeper.prune(repo);
    // Removals a target batches (git) reach it now.
    repo.flush();
    // Under the exclusive lock nobody writes: every temporary file is a crash's leftover.
    repo.target().removeLeftovers(Instant.MAX);
  }
}
