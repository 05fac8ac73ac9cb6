package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups through the git target to a local bare repository (file:// URL). */
class GitVaultTest {

  private final VaultFixture f = new VaultFixture();
  @TempDir Path dir;

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void backupReachesTheRemoteAndAnotherMachinesCloneRestoresIt() throws Exception {
    Path bare = dir.resolve("backups.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    VaultConfig.Target remote = VaultConfig.Target.git(bare.toUri().toString(), null);
    RandomTree.fill(f.agent, 31, 12);
    Vault vault =
        f.vault(
            VaultConfig.defaults()
                .withTargets(List.of(new VaultConfig.Target("local", "backups"), remote)));

    BackupResult backup = vault.create(Progress.NONE);

    assertThat(backup.failedTargets()).isEmpty();
    assertThat(backup.snapshot().targets()).contains("git:" + bare.toUri() + "#main");
    assertThat(vault.verify("all", true, Progress.NONE).ok()).isTrue();
    vault.close();

    // Another machine: its own home and clone, the same vault key, the git remote only.
    try (VaultFixture other = new VaultFixture()) {
      Files.createDirectories(other.home.resolve("keys"));
      Files.copy(vault.keyFile(), other.home.resolve("keys/vault.key"));
      Vault there = other.vault(VaultConfig.defaults().withTargets(List.of(remote)));

      assertThat(there.list()).extracting(SnapshotInfo::id).containsExactly(backup.snapshot().id());
      Path to = other.home.resolve("restored");
      there.restore(backup.snapshot().id(), to, null, Progress.NONE);
      assertThat(RandomTree.fingerprint(to.resolve("files/agent")))
          .isEqualTo(RandomTree.fingerprint(f.agent));
      there.close();
    }
  }

  @Test
  void pruneRemovesSnapshotsFromTheRemoteBranch() throws Exception {
    Path bare = dir.resolve("prune.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    VaultConfig.Target remote = VaultConfig.Target.git(bare.toUri().toString(), "main");
    VaultConfig keepOne = VaultConfig.defaults().withTargets(List.of(remote));
    keepOne =
        new VaultConfig(
            keepOne.sources(),
            false,
            null,
            keepOne.targets(),
            new VaultConfig.Retention(0, 0, 0, 0),
            keepOne.schedule(),
            keepOne.rpo());
    Vault vault = f.vault(keepOne);
    vault.create(Progress.NONE);
    f.clock.advance(java.time.Duration.ofDays(2));
    String newest = vault.create(Progress.NONE).snapshot().id();

    PruneResult pruned = vault.prune(false);

    assertThat(pruned.removed()).hasSize(1);
    vault.close();
    try (Git clone =
        Git.cloneRepository()
            .setURI(bare.toUri().toString())
            .setDirectory(dir.resolve("check").toFile())
            .call()) {
      try (var list = Files.list(dir.resolve("check/snapshots"))) {
        assertThat(list.map(p -> p.getFileName().toString()).toList()).containsExactly(newest);
      }
      // No lock left behind (git keeps no empty directory).
      assertThat(dir.resolve("check/locks")).doesNotExist();
    }
  }
}
