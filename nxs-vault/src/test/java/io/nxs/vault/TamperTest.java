package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.AuditQuery;
import io.nxs.vault.internal.Repository;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Damage to a repository is found by verify and named by file. */
class TamperTest {

  private final VaultFixture f = new VaultFixture();
  private Vault vault;
  private String snapshot;
  private Path memoryBlob;

  @BeforeEach
  void backUp() throws Exception {
    Files.writeString(f.agent.resolve("MEMORY.md"), "the user's name is Ada. ".repeat(200));
    Files.writeString(f.agent.resolve("notes.md"), "unrelated");
    vault = f.vault();
    snapshot = vault.create(Progress.NONE).snapshot().id();
    Manifest m = BackupTest.manifest(vault, snapshot);
    String blob = BackupTest.entry(m, "files/agent/MEMORY.md").chunks().getFirst().id();
    memoryBlob = f.repo().resolve(Repository.blobKey(blob));
    assertThat(vault.verify("all", true, Progress.NONE).ok()).isTrue();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void flippedByteInABlobFailsDeepVerifyNamingTheFile() throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(memoryBlob.toFile(), "rw")) {
      raf.seek(40);
      int b = raf.read();
      raf.seek(40);
      raf.write(b ^ 0x01);
    }

    VerifyReport report = vault.verify("all", true, Progress.NONE);

    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("files/agent/MEMORY.md");
              assertThat(p.finding()).contains("authentication failed");
            });
    assertThat(vault.list().getFirst().verifyOk()).isFalse();
    assertThat(
            f.audit.query(AuditQuery.parse(null, "backup.verify", null)).getLast().severityLabel())
        .isEqualTo("high");
  }

  @Test
  void truncatedBlobFailsQuickVerifyNamingTheFile() throws Exception {
    byte[] b = Files.readAllBytes(memoryBlob);
    Files.write(memoryBlob, java.util.Arrays.copyOf(b, b.length - 7));

    VerifyReport report = vault.verify(null, false, Progress.NONE);

    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .extracting(VerifyReport.Problem::path)
        .containsExactly("files/agent/MEMORY.md");
    assertThat(report.problems().getFirst().finding()).contains("size");
  }

  @Test
  void deletedBlobFailsQuickVerifyAndRestoreOfThatFileSaysWhich() throws Exception {
    Files.delete(memoryBlob);

    VerifyReport report = vault.verify("latest", false, Progress.NONE);

    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> assertThat(p.describe()).contains("files/agent/MEMORY.md").contains("missing"));
    Path to = f.home.resolve("r");
    assertThatThrownBy(() -> vault.restore(snapshot, to, null, Progress.NONE))
        .hasMessageContaining("files/agent/MEMORY.md");
    assertThat(to).doesNotExist();
  }

  @Test
  void editedManifestFailsVerifyNamingTheManifest() throws Exception {
    Path manifest = f.repo().resolve(Repository.snapshotKey(snapshot));
    byte[] b = Files.readAllBytes(manifest);
    b[b.length / 2] ^= 0x20;
    Files.write(manifest, b);

    VerifyReport report = vault.verify("all", false, Progress.NONE);

    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isNull();
              assertThat(p.describe()).contains(snapshot).contains("manifest damaged");
            });
  }

  @Test
  void blobSwappedForAnotherBlobFailsAuthentication() throws Exception {
    Manifest m = BackupTest.manifest(vault, snapshot);
    String other = BackupTest.entry(m, "files/agent/notes.md").chunks().getFirst().id();
    Files.copy(
        f.repo().resolve(Repository.blobKey(other)),
        memoryBlob,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    VerifyReport report = vault.verify("all", true, Progress.NONE);

    assertThat(report.problems())
        .extracting(VerifyReport.Problem::path)
        .contains("files/agent/MEMORY.md");
  }

  @Test
  void quickVerifyReReadsEveryBlobOnceOverThirtyDays() {
    long blobs = vault.verify("all", false, Progress.NONE).blobs();
    long reRead = 0;
    for (int day = 0; day < io.nxs.vault.internal.Verifier.ROTATION_DAYS; day++) {
      reRead += vault.verify("all", false, Progress.NONE).blobsRead();
      f.clock.advance(java.time.Duration.ofDays(1));
    }

    assertThat(reRead).isEqualTo(blobs);
  }

  @Test
  void damagedBlobIsRepairedFromASecondTargetThatHoldsItIntact() throws Exception {
    VaultConfig two =
        VaultConfig.defaults()
            .withTargets(
                List.of(
                    new VaultConfig.Target("local", "backups"),
                    new VaultConfig.Target("local", "offsite")));
    Vault both = f.vault(two);
    String id = both.create(Progress.NONE).snapshot().id();
    Files.write(memoryBlob, new byte[] {1, 2, 3});

    VerifyReport first = both.verify(id, true, Progress.NONE);
    VerifyReport second = both.verify(id, true, Progress.NONE);

    assertThat(first.ok()).isTrue();
    assertThat(first.repaired())
        .extracting(VerifyReport.Problem::path)
        .containsExactly("files/agent/MEMORY.md");
    assertThat(second.repaired()).isEmpty();
    assertThat(second.ok()).isTrue();
  }
}
