package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.AuditQuery;
import io.nxs.core.state.SecureFiles;
import io.nxs.vault.internal.LocalTarget;
import io.nxs.vault.internal.Repository;
import io.nxs.vault.internal.VaultKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackupTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void backupCommitsOneSnapshotWithStateConfigAndAgentFiles() throws Exception {
    RandomTree.fill(f.agent, 1, 20);
    Vault vault = f.vault();

    BackupResult result = vault.create(Progress.NONE);

    List<SnapshotInfo> list = vault.list();
    assertThat(list).extracting(SnapshotInfo::id).containsExactly(result.snapshot().id());
    Manifest m = manifest(vault, result.snapshot().id());
    assertThat(m.entries())
        .extracting(Manifest.Entry::path)
        .contains(
            Vault.STATE_DB_PATH,
            "nxs/nxs.yaml",
            "files/agent/MEMORY.md",
            "files/agent/Grüße ✓ 日本.md",
            "files/agent/empty.txt",
            "files/agent/empty-dir",
            "files/agent/link-to-nowhere")
        .doesNotContain("nxs/keys/vault.key");
    assertThat(m.files()).allSatisfy(e -> assertThat(e.sha256()).hasSize(64));
    Manifest.Entry link = entry(m, "files/agent/link-to-nowhere");
    assertThat(link.type()).isEqualTo(Manifest.EntryType.SYMLINK);
    assertThat(link.link()).isEqualTo("../outside/target");
    assertThat(entry(m, "files/agent/large.bin").chunks()).hasSize(3);
    assertThat(f.audit.query(AuditQuery.parse(null, "backup.create", null)))
        .singleElement()
        .satisfies(e -> assertThat(e.target()).isEqualTo(result.snapshot().id()));
  }

  @Test
  void vaultKeyIsCreatedPrivateAndKeptOutOfTheRepository() throws Exception {
    Vault vault = f.vault();
    vault.create(Progress.NONE);

    assertThat(SecureFiles.permissions(vault.keyFile())).isEqualTo("rw-------");
    assertThat(vault.keyFile().startsWith(f.repo())).isFalse();
    byte[] key = Files.readAllBytes(vault.keyFile());
    try (Stream<Path> files = Files.walk(f.repo())) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1))
            .doesNotContain(new String(key, java.nio.charset.StandardCharsets.ISO_8859_1).strip());
      }
    }
  }

  @Test
  void secondBackupOfAnUnchangedTreeStoresNoNewBlobs() {
    RandomTree.fill(f.agent, 2, 30);
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    f.clock.advance(Duration.ofHours(1));

    BackupResult second = vault.create(Progress.NONE);

    // The state database copy is the one thing that differs (the audit log grew): agent files
    // add nothing.
    Manifest m = manifest(vault, second.snapshot().id());
    long stateBlobs = entry(m, Vault.STATE_DB_PATH).chunks().size();
    assertThat(second.snapshot().addedBlobs()).isLessThanOrEqualTo(stateBlobs);
    assertThat(vault.list()).hasSize(2);
  }

  @Test
  void repositoryContentIsEncryptedAtRest() throws Exception {
    Files.writeString(
        f.agent.resolve("secret-plan.md"), "the launch code is 0000-PLAINTEXT-MARKER");
    Vault vault = f.vault();
    vault.create(Progress.NONE);

    try (Stream<Path> files = Files.walk(f.repo())) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1))
            .doesNotContain("PLAINTEXT-MARKER");
      }
    }
  }

  @Test
  void memoryFileThatShrinksByMoreThanHalfIsReported() throws Exception {
    Files.writeString(f.agent.resolve("MEMORY.md"), "m".repeat(1000));
    Files.createDirectories(f.agent.resolve("memory"));
    Files.writeString(f.agent.resolve("memory/2026-11-30.md"), "d".repeat(100));
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    Files.writeString(f.agent.resolve("MEMORY.md"), "m".repeat(400));
    Files.delete(f.agent.resolve("memory/2026-11-30.md"));
    f.clock.advance(Duration.ofHours(1));

    BackupResult second = vault.create(Progress.NONE);

    assertThat(second.memoryLosses())
        .containsExactly(
            new BackupResult.MemoryLoss("files/agent/MEMORY.md", 1000, 400),
            new BackupResult.MemoryLoss("files/agent/memory/2026-11-30.md", 100, 0));
    assertThat(f.audit.query(AuditQuery.parse(null, "backup.memory_loss", null))).hasSize(2);
  }

  @Test
  void wrongKeyIsRefusedWithAClearMessage() throws Exception {
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    Path otherKey = f.home.resolve("other.key");

    assertThatThrownBy(
            () ->
                Repository.openOrCreate(new LocalTarget(f.repo()), VaultKey.loadOrCreate(otherKey)))
        .isInstanceOf(WrongKeyException.class)
        .hasMessageContaining("does not open the repository")
        .hasMessageContaining("other.key");
  }

  @Test
  void aFailingTargetIsReportedAndTheOtherTargetStillGetsTheSnapshot() throws Exception {
    Files.writeString(f.home.resolve("not-a-directory"), "a file where a target should be");
    Vault vault =
        f.vault(
            VaultConfig.defaults()
                .withTargets(
                    List.of(
                        new VaultConfig.Target("local", "backups"),
                        new VaultConfig.Target("local", "not-a-directory"))));

    BackupResult result = vault.create(Progress.NONE);

    assertThat(result.failedTargets())
        .containsOnlyKeys("local:" + f.home.resolve("not-a-directory"));
    assertThat(result.snapshot().targets()).containsExactly("local:" + f.repo());
    assertThat(
            f.audit.query(AuditQuery.parse(null, "backup.create", null)).getLast().severityLabel())
        .isEqualTo("high");
    assertThat(new Vault[] {f.vault()}[0].verify("all", true, Progress.NONE).ok()).isTrue();
  }

  static Manifest manifest(Vault vault, String id) {
    try {
      return vault.repositories().getFirst().manifest(id);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Manifest.Entry entry(Manifest m, String path) {
    return m.entries().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  @Test
  void theLastRunOfEachKindIsKnownAndABackupsOwnCheckIsNotAFullVerify() {
    Vault vault = f.vault();
    assertThat(vault.lastStarted("backup")).isEmpty();

    Instant backupAt = f.clock.instant();
    BackupResult result = vault.create(Progress.NONE);
    f.clock.advance(Duration.ofMinutes(5));
    vault.verify(result.snapshot().id(), false, Progress.NONE);

    assertThat(vault.lastStarted("backup")).hasValue(backupAt);
    assertThat(vault.lastStarted("verify")).as("one snapshot's check").isEmpty();

    f.clock.advance(Duration.ofMinutes(5));
    Instant verifyAt = f.clock.instant();
    vault.verify("all", false, Progress.NONE);
    assertThat(vault.lastStarted("verify")).hasValue(verifyAt);
  }
}
