package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.AuditQuery;
import io.nxs.vault.internal.LocalTarget;
import io.nxs.vault.internal.RepositoryLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PruneTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private Vault vaultKeeping(int hourly) {
    VaultConfig base = VaultConfig.defaults();
    return f.vault(
        new VaultConfig(
            base.sources(),
            false,
            null,
            base.targets(),
            new VaultConfig.Retention(hourly, 0, 0, 0),
            base.schedule(),
            base.rpo()));
  }

  @Test
  void pruneRemovesSnapshotsOutsideThePolicyAndTheBlobsOnlyTheyUsed() throws Exception {
    Vault vault = vaultKeeping(2);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Files.writeString(f.agent.resolve("day.md"), "version " + i + " ".repeat(i * 100));
      ids.add(vault.create(Progress.NONE).snapshot().id());
      f.clock.advance(Duration.ofHours(1));
    }
    long blobsBefore = blobCount();

    PruneResult dry = vault.prune(true);
    assertThat(dry.removed()).containsExactly(ids.get(0), ids.get(1));
    assertThat(blobCount()).isEqualTo(blobsBefore);

    PruneResult result = vault.prune(false);

    assertThat(result.kept()).containsExactly(ids.get(2), ids.get(3));
    assertThat(vault.list()).extracting(SnapshotInfo::id).containsExactly(ids.get(2), ids.get(3));
    assertThat(result.blobsRemoved()).isPositive();
    assertThat(blobCount()).isEqualTo(blobsBefore - result.blobsRemoved());
    assertThat(vault.verify("all", true, Progress.NONE).ok()).isTrue();
    assertThat(f.audit.query(AuditQuery.parse(null, "backup.prune", null))).hasSize(1);
  }

  @Test
  void pruneIsRefusedWhileABackupHoldsTheLockAndProceedsOnceItExpires() {
    Vault vault = vaultKeeping(1);
    vault.create(Progress.NONE);
    f.clock.advance(Duration.ofHours(1));
    vault.create(Progress.NONE);
    RepositoryLock.acquire(
        new LocalTarget(f.repo()), RepositoryLock.Kind.SHARED, "backup", f.clock);

    assertThatThrownBy(() -> vault.prune(false))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("locked by a running backup")
        .hasMessageContaining("expires");
    assertThat(vault.list()).hasSize(2);

    f.clock.advance(RepositoryLock.TTL.plusMinutes(1));
    assertThat(vault.prune(false).removed()).hasSize(1);
  }

  @Test
  void lockOfAProcessThatDiedIsStaleAndRemoved() throws Exception {
    Vault vault = vaultKeeping(1);
    vault.create(Progress.NONE);
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(
        f.repo().resolve("locks/dead-backup"),
        "{\"kind\":\"shared\",\"operation\":\"backup\",\"host\":\""
            + io.nxs.vault.internal.HostName.get()
            + "\",\"pid\":"
            + gone.pid()
            + ",\"expires_at\":\""
            + f.clock.instant().plus(Duration.ofHours(5))
            + "\"}");

    vault.prune(false);

    assertThat(f.repo().resolve("locks/dead-backup")).doesNotExist();
  }

  @Test
  void concurrentBackupsAndPrunesFromTwoProcessesNeverLeaveASnapshotWithMissingBlobs()
      throws Exception {
    Vault daemon = vaultKeeping(1);
    Vault cli = vaultKeeping(1);
    RandomTree.fill(f.agent, 9, 30);
    daemon.create(Progress.NONE);
    for (int round = 0; round < 6; round++) {
      Files.writeString(f.agent.resolve("round.md"), "round " + round);
      f.clock.advance(Duration.ofHours(1));
      CompletableFuture<Object> backup =
          CompletableFuture.supplyAsync(() -> attempt(() -> daemon.create(Progress.NONE)));
      CompletableFuture<Object> prune =
          CompletableFuture.supplyAsync(() -> attempt(() -> cli.prune(false)));
      CompletableFuture.allOf(backup, prune).join();
    }

    VerifyReport report = daemon.verify("all", true, Progress.NONE);
    assertThat(report.ok()).as("%s", report.problems()).isTrue();
    assertThat(daemon.list()).isNotEmpty();
    try (Stream<Path> locks = Files.list(f.repo().resolve("locks"))) {
      assertThat(locks.toList()).isEmpty();
    }
  }

  private static Object attempt(java.util.function.Supplier<Object> op) {
    try {
      return op.get();
    } catch (VaultException e) {
      assertThat(e.getMessage()).contains("locked by a running");
      return e;
    }
  }

  private long blobCount() throws Exception {
    try (Stream<Path> walk = Files.walk(f.repo().resolve("blobs"))) {
      return walk.filter(Files::isRegularFile).count();
    }
  }
}
