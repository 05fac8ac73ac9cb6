package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.audit.AuditEntry;
import io.nxs.audit.AuditQuery;
import io.nxs.vault.internal.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrillAndExportTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void drillRestoresTheNewestSnapshotChecksTheDatabaseAndRecordsTheRto() {
    RandomTree.fill(f.agent, 3, 10);
    f.execute("INSERT INTO agent_notes (body) VALUES ('drill me')");
    Vault vault = f.vault();
    String id = vault.create(Progress.NONE).snapshot().id();

    DrillResult drill = vault.drill(Progress.NONE);

    assertThat(drill.ok()).as("%s", drill.findings()).isTrue();
    assertThat(drill.snapshot()).isEqualTo(id);
    assertThat(drill.databases()).isGreaterThanOrEqualTo(1);
    assertThat(drill.rtoMillis()).isLessThan(drill.rtoTargetMillis());
    AuditEntry event = f.audit.query(AuditQuery.parse(null, "backup.drill", null)).getLast();
    assertThat(event.details()).containsEntry("ok", true).containsKey("rto_millis");
    assertThat(f.home.resolve("vault/drills")).isEmptyDirectory();
  }

  @Test
  void drillOfADamagedSnapshotFailsAndSaysWhichFile() throws Exception {
    Files.writeString(f.agent.resolve("MEMORY.md"), "precious");
    Vault vault = f.vault();
    String id = vault.create(Progress.NONE).snapshot().id();
    Manifest m = BackupTest.manifest(vault, id);
    String blob = BackupTest.entry(m, "files/agent/MEMORY.md").chunks().getFirst().id();
    Files.delete(f.repo().resolve(Repository.blobKey(blob)));

    DrillResult drill = vault.drill(Progress.NONE);

    assertThat(drill.ok()).isFalse();
    assertThat(drill.findings()).singleElement().asString().contains("files/agent/MEMORY.md");
    assertThat(
            f.audit.query(AuditQuery.parse(null, "backup.drill", null)).getLast().severityLabel())
        .isEqualTo("high");
  }

  @Test
  void exportIsOneTarThatRestoresWithTheKeyAfterUnpacking() throws Exception {
    RandomTree.fill(f.agent, 4, 10);
    Vault vault = f.vault();
    vault.create(Progress.NONE);
    Path tar = f.home.resolve("offline/nxs-backup.tar");

    ExportResult export = vault.export(tar);

    assertThat(export.snapshots()).isEqualTo(1);
    assertThat(tar).isRegularFile();
    Path unpacked = Files.createDirectories(f.home.resolve("unpacked"));
    Process p =
        new ProcessBuilder("tar", "-xf", tar.toString(), "-C", unpacked.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    Vault fromExport =
        f.vault(
            VaultConfig.defaults()
                .withTargets(
                    List.of(
                        new VaultConfig.Target(
                            "local", unpacked.resolve("nxs-vault").toString()))));

    fromExport.restore("latest", f.home.resolve("from-tar"), null, Progress.NONE);

    assertThat(RandomTree.fingerprint(f.home.resolve("from-tar/files/agent")))
        .isEqualTo(RandomTree.fingerprint(f.agent));
  }
}
