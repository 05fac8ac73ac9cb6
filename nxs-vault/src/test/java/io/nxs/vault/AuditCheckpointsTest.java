package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.audit.VerifyReport;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each backup leaves the audit log's signed head on every target, and a log rolled back to an
 * earlier signed state (an older state.db put back) is caught against it (ADR 0150).
 */
class AuditCheckpointsTest {

  private final VaultFixture f = new VaultFixture();
  private final Vault vault =
      f.vault(
          VaultConfig.defaults()
              .withTargets(
                  List.of(
                      new VaultConfig.Target("local", "backups"),
                      new VaultConfig.Target("local", "offsite"))));

  @AfterEach
  void close() {
    vault.close();
    f.close();
  }

  @Test
  void everyTargetHoldsTheSignedHeadOfTheLogAtItsNewestBackup() {
    appendEvents(5);
    vault.create(Progress.NONE);
    long headAtBackup = f.audit.checkpoint().orElseThrow().seq() - 1; // backup.create came after
    appendEvents(3);
    vault.create(Progress.NONE);

    CheckpointStore.Found found = vault.checkpoints().newest();

    assertThat(found.unreadable()).isEmpty();
    assertThat(found.newest())
        .extracting(CheckpointStore.Kept::where)
        .containsExactly(
            "local:" + f.home.resolve("backups"), "local:" + f.home.resolve("offsite"));
    assertThat(found.newest())
        .allSatisfy(k -> assertThat(k.checkpoint().seq()).isGreaterThan(headAtBackup + 3));
    assertThat(f.audit.verify(found.newest()).ok()).isTrue();
  }

  @Test
  void auditVerifyCatchesARealLogRolledBackToAnEarlierSignedState() throws Exception {
    appendEvents(10);
    vault.create(Progress.NONE);
    Path before = f.home.resolve("state-before.db");
    execute("VACUUM INTO '" + before + "'");
    appendEvents(25);
    vault.create(Progress.NONE);
    long kept = vault.checkpoints().newest().newest().getFirst().checkpoint().seq();
    execute("restore from '" + before + "'");
    appendEvents(2);

    assertThat(f.audit.verify().ok()).as("the rolled-back log verifies on its own").isTrue();
    VerifyReport report = f.audit.verify(vault.checkpoints().newest().newest());

    assertThat(report.ok()).isFalse();
    assertThat(report.problem()).isEqualTo(VerifyReport.Problem.ROLLED_BACK);
    assertThat(report.message())
        .contains("reaches seq " + kept)
        .contains("local:" + f.home.resolve("backups"));
  }

  @Test
  void aHomeWithoutBackupsHasNoCheckpointAndCreatesNoTargetDirectory() {
    assertThat(vault.checkpoints().newest().newest()).isEmpty();
    assertThat(Files.exists(f.home.resolve("offsite"))).isFalse();
  }

  private void appendEvents(int n) {
    for (int i = 0; i < n; i++) {
      f.audit.append(new AuditEvent("test.event", Severity.INFO, "test", "t" + i, Map.of("i", i)));
    }
  }

  private void execute(String sql) throws Exception {
    try (Connection c = f.store.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
