package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditCheckpoint;
import io.nxs.core.audit.AuditTrail;
import io.nxs.vault.BackupResult;
import io.nxs.vault.BackupResult.MemoryLoss;
import io.nxs.vault.Manifest;
import io.nxs.vault.Progress;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.VaultException;
import io.nxs.vault.WrongKeyException;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Takes a snapshot (SPEC VA1-VA3): stages the sources, writes one snapshot to every target that
 * opens and locks, records it in the index, and checks the agent's memory files against the
 * snapshot before. A target that fails is reported; the others still get the snapshot. Each target
 * that takes the snapshot also gets the audit log's signed head ({@link CheckpointKeeper}).
 */
public final class BackupMaker {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Duration STALE = Duration.ofHours(1);

  private final Path home;
  private final KeyResolver keys;
  private final TargetPool pool;
  private final Sources sources;
  private final MemoryGuard memory;
  private final VaultIndex index;
  private final Operations operations;
  private final AuditTrail audit;
  private final Clock clock;

  public BackupMaker(
      Path home,
      KeyResolver keys,
      TargetPool pool,
      Sources sources,
      MemoryGuard memory,
      VaultIndex index,
      Operations operations,
      AuditTrail audit,
      Clock clock) {
    this.home = home;
    this.keys = keys;
    this.pool = pool;
    this.sources = sources;
    this.memory = memory;
    this.index = index;
    this.operations = operations;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Backs up now.
   *
   * @throws VaultException when no target took the snapshot (nothing is visible then)
   */
  public BackupResult create(String actor, Progress progress) {
    Instant now = clock.instant();
    String id =
        ID_TIME.format(now)
            + "-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path staging = home.resolve("vault").resolve("staging").resolve(id);
    try {
      return operations.run(
          new Job("backup", actor, "backup.failed", id),
          run -> {
            // A target that cannot be opened or locked is reported; the others get the snapshot.
            TargetPool.Reachable reachable = pool.reach(keys.masters(true));
            Map<String, String> failed = new LinkedHashMap<>(reachable.unreachable());
            List<Repository> repos = new ArrayList<>();
            for (Repository repo : reachable.repositories()) {
              try {
                run.lock(repo, RepositoryLock.Kind.SHARED);
                repo.target().removeLeftovers(run.started().minus(STALE));
                repos.add(repo);
              } catch (WrongKeyException e) {
                throw e;
              } catch (VaultException | IOException e) {
                failed.put(repo.target().describe(), e.getMessage());
              }
            }
            if (repos.isEmpty()) {
              throw new VaultException("no target could take the backup: " + failed);
            }
            removeOldStaging(run.started());
            List<SourceTree> trees = sources.stage(staging);
            // Taken right after state.db was copied: the head the snapshot's log reaches, or a
            // few entries past it.
            Optional<AuditCheckpoint> checkpoint = audit.checkpoint();
            if (checkpoint.isPresent()) {
              keepCheckpoint(repos, checkpoint.get(), failed);
            }
            SnapshotWriter.Written written =
                new SnapshotWriter(repos, progress)
                    .write(id, run.started(), HostName.get(), trees, Catalog.newest(repos));
            failed.putAll(written.failedTargets());
            return done(written, failed, run.millis());
          });
    } finally {
      LocalPaths.deleteTree(staging);
    }
  }

  private Done<BackupResult> done(
      SnapshotWriter.Written written, Map<String, String> failed, long millis) {
    Manifest m = written.manifest();
    SnapshotInfo info =
        new SnapshotInfo(
            m.id(),
            m.createdAt(),
            m.files().size(),
            m.bytes(),
            written.addedBlobs(),
            written.addedBytes(),
            written.committedTo(),
            null,
            null);
    index.putSnapshot(info);
    List<MemoryLoss> losses = memory.record(m);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("snapshot", m.id());
    details.put("files", info.files());
    details.put("bytes", info.bytes());
    details.put("added_bytes", info.addedBytes());
    details.put("millis", millis);
    details.put("targets", written.committedTo());
    if (!failed.isEmpty()) {
      details.put("failed_targets", failed);
    }
    List<Event> lost =
        losses.stream()
            .map(
                loss ->
                    new Event(
                        "backup.memory_loss",
                        Severity.HIGH,
                        loss.path(),
                        Map.<String, Object>of(
                            "snapshot",
                            m.id(),
                            "previous_size",
                            loss.previousSize(),
                            "size",
                            loss.size())))
            .toList();
    return new Done<>(
        new BackupResult(info, millis, failed, losses),
        new Record(
            new Event(
                "backup.create", failed.isEmpty() ? Severity.INFO : Severity.HIGH, m.id(), details),
            true,
            m.id(),
            failed.isEmpty() ? "ok" : "failed targets: " + failed,
            lost));
  }

  /**
   * Leaves the audit log's signed head on every target, batched with the snapshot's blobs: the
   * writer's flush before the manifest makes it durable (one fsync round locally, one pushed commit
   * on git), so a target that holds the snapshot holds the checkpoint. A target that refuses it is
   * left out of the snapshot and counts as failed (it would not show a later rollback).
   */
  private static void keepCheckpoint(
      List<Repository> repos, AuditCheckpoint checkpoint, Map<String, String> failed) {
    for (Repository repo : List.copyOf(repos)) {
      try {
        CheckpointKeeper.keep(repo, checkpoint);
      } catch (IOException e) {
        failed.put(
            repo.target().describe(), "the audit checkpoint was not written: " + e.getMessage());
        repos.remove(repo);
      }
    }
    if (repos.isEmpty()) {
      throw new VaultException("no target could take the backup: " + failed);
    }
  }

  /** Staging left by a killed backup (older than an hour: no backup runs that long beside it). */
  private void removeOldStaging(Instant now) throws IOException {
    Path dir = home.resolve("vault").resolve("staging");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(now.minus(STALE))) {
          LocalPaths.deleteTree(p);
        }
      }
    }
  }
}
