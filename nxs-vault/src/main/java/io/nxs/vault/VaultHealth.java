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
 * that is DOWN when no verified backup is younger than the RPO and DEGRADED when the last backup
 * found a memory file lost or cut, and the figures behind it as a metric source.
 */
final class VaultHealth implements HealthSource, MetricSource {

  private final VaultIndex index;
  private final Duration rpo;
  private final Clock clock;
  private final AtomicReference<List<BackupResult.MemoryLoss>> losses =
      new AtomicReference<>(List.of());

  VaultHealth(VaultIndex index, Duration rpo, Clock clock) {
    this.index = index;
    this.rpo = rpo;
    this.clock = clock;
  }

  void backedUp(BackupResult result) {
    losses.set(result.memoryLosses());
  }

  @Override
  public String name() {
    return "vault";
  }

  @Override
  public Health check() {
    Optional<Duration> age = lastGoodAge();
    if (age.isEmpty()) {
      return new Health(Status.DOWN, "no verified backup yet: run 'nxs backup create' and 'nxs backup verify'");
    }
    if (age.get().compareTo(rpo) > 0) {
      return new Health(Status.DOWN,
          "the last verified backup is " + age.get().toMinutes() + " min old, older than the RPO of "
              + rpo.toMinutes() + " min");
    }
    List<BackupResult.MemoryLoss> lost = losses.get();
    if (!lost.isEmpty()) {
      BackupResult.MemoryLoss first = lost.getFirst();
      return new Health(Status.DEGRADED,
          lost.size() + " memory file(s) lost or cut since the previous backup, e.g. " + first.path()
              + " " + first.previousSize() + " -> " + first.size() + " bytes; restore it with"
              + " 'nxs backup restore ID --file " + first.path() + "'");
    }
    return new Health(Status.UP, "last verified backup " + age.get().toMinutes() + " min ago");
  }

  @Override
  public List<Sample> collect() {
    double age = lastGoodAge().map(d -> (double) d.toSeconds()).orElse(-1.0);
    List<VaultIndex.Run> runs = index.runs("backup", 100);
    double rate = runs.isEmpty() ? 1.0 : runs.stream().filter(VaultIndex.Run::ok).count() / (double) runs.size();
    return List.of(
        new Sample("vault.last_good_age_seconds", Map.of(), age),
        new Sample("vault.backup_success_rate", Map.of(), rate),
        new Sample("vault.memory_files_lost", Map.of(), losses.get().size()));
  }

  Optional<Duration> lastGoodAge() {
    return index.lastVerified().map(s -> Duration.between(s.createdAt(), clock.instant()));
  }
}
