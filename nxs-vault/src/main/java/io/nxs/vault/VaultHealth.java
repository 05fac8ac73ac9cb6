package io.nxs.vault;

import io.nxs.core.ext.HealthSource;
import io.nxs.core.ext.MetricSource;
import io.nxs.vault.internal.VaultIndex;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the Doctor sees of the vault (SPEC VA2 recency, issue 5 memory loss guard): a health source
 * that is DOWN when no verified backup is younger than the RPO; DEGRADED when the last backup found
 * a memory file lost or cut, when a target failed to take the last backup, or when only one target
 * is configured (SPEC VA5: at least two places; ADR 0057); and the figures behind it as a metric
 * source, with the RPO and whether the newest backup, verify and drill failed (and the drill's
 * duration) for the Doctor's built-in backup rules.
 */
final class VaultHealth implements HealthSource, MetricSource {

  private final VaultIndex index;
  private final Duration rpo;
  private final Clock clock;
  private final int targets;
  private final AtomicReference<List<BackupResult.MemoryLoss>> losses =
      new AtomicReference<>(List.of());
  private final AtomicReference<Map<String, String>> failedTargets =
      new AtomicReference<>(Map.of());

  VaultHealth(VaultIndex index, Duration rpo, Clock clock, int targets) {
    this.index = index;
    this.rpo = rpo;
    this.clock = clock;
    this.targets = targets;
  }

  void backedUp(BackupResult result) {
    losses.set(result.memoryLosses());
    failedTargets.set(Map.copyOf(result.failedTargets()));
  }

  @Override
  public String name() {
    return "vault";
  }

  @Override
  public Health check() {
    Optional<Duration> age = lastGoodAge();
    if (age.isEmpty()) {
      return new Health(
          Status.DOWN, "no verified backup yet: run 'nxs backup create' and 'nxs backup verify'");
    }
    if (age.get().compareTo(rpo) > 0) {
      return new Health(
          Status.DOWN,
          "the last verified backup is "
              + age.get().toMinutes()
              + " min old, older than the RPO of "
              + rpo.toMinutes()
              + " min");
    }
    List<BackupResult.MemoryLoss> lost = losses.get();
    if (!lost.isEmpty()) {
      BackupResult.MemoryLoss first = lost.getFirst();
      return new Health(
          Status.DEGRADED,
          lost.size()
              + " memory file(s) lost or cut since the previous backup, e.g. "
              + first.path()
              + " "
              + first.previousSize()
              + " -> "
              + first.size()
              + " bytes; restore it with"
              + " 'nxs backup restore ID --file "
              + first.path()
              + "'");
    }
    Map<String, String> failed = failedTargets.get();
    if (!failed.isEmpty()) {
      Map.Entry<String, String> first = failed.entrySet().iterator().next();
      return new Health(
          Status.DEGRADED,
          failed.size()
              + " target(s) did not take the last backup, e.g. "
              + first.getKey()
              + ": "
              + first.getValue());
    }
    if (targets < 2) {
      return new Health(
          Status.DEGRADED,
          "one target: a lost disk loses every backup; add a second to vault.targets (another"
              + " disk, s3 or git)");
    }
    return new Health(Status.UP, "last verified backup " + age.get().toMinutes() + " min ago");
  }

  @Override
  public List<Sample> collect() {
    double age = lastGoodAge().map(d -> (double) d.toSeconds()).orElse(-1.0);
    List<VaultIndex.Run> runs = index.runs("backup", 100);
    double rate = successRate(runs);
    List<Sample> out = new java.util.ArrayList<>();
    out.add(new Sample("vault.last_good_age_seconds", Map.of(), age));
    out.add(new Sample("vault.rpo_seconds", Map.of(), rpo.toSeconds()));
    out.add(new Sample("vault.backup_success_rate", Map.of(), rate));
    out.add(new Sample("vault.memory_files_lost", Map.of(), losses.get().size()));
    out.add(new Sample("vault.last_backup_failed", Map.of(), lastFailed(runs)));
    out.add(new Sample("vault.last_verify_failed", Map.of(), lastFailed(index.runs("verify", 1))));
    List<VaultIndex.Run> drills = index.runs("drill", 1);
    if (!drills.isEmpty()) {
      out.add(
          new Sample("vault.last_drill_seconds", Map.of(), drills.getFirst().millis() / 1000.0));
      out.add(new Sample("vault.last_drill_failed", Map.of(), lastFailed(drills)));
    }
    return out;
  }

  /** The share of the last 100 backups that succeeded; 1 when there were none. */
  double backupSuccessRate() {
    return successRate(index.runs("backup", 100));
  }

  private static double successRate(List<VaultIndex.Run> runs) {
    return runs.isEmpty()
        ? 1.0
        : runs.stream().filter(VaultIndex.Run::ok).count() / (double) runs.size();
  }

  /** 1 when the newest of the runs failed, 0 when it succeeded or there is none. */
  private static double lastFailed(List<VaultIndex.Run> newestFirst) {
    return newestFirst.isEmpty() || newestFirst.getFirst().ok() ? 0 : 1;
  }

  Optional<Duration> lastGoodAge() {
    return index.lastVerified().map(s -> Duration.between(s.createdAt(), clock.instant()));
  }
}
