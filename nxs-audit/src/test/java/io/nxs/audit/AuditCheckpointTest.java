package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.audit.AuditCheckpoint;
import io.nxs.core.audit.CheckpointStore.Kept;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A log rolled back to an earlier signed state (an older copy of state.db put back) verifies on its
 * own; only a signed checkpoint kept elsewhere shows it (ADR 0020, ADR 0150).
 */
class AuditCheckpointTest {

  private final AuditFixture f = new AuditFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aLogThatAgreesWithTheNewestCheckpointVerifiesAndSaysSo() {
    f.appendSequentially(5);
    AuditCheckpoint cp = f.log.checkpoint().orElseThrow();
    f.appendSequentially(3);

    VerifyReport report = f.log.verify(List.of(new Kept("local:/backups", cp)));

    assertThat(cp.seq()).isEqualTo(5);
    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.message()).contains("signed checkpoint of seq 5 on local:/backups");
  }

  @Test
  void aLogRolledBackToAnEarlierSignedStateFailsAgainstALaterCheckpoint() throws Exception {
    f.appendSequentially(10);
    Path before = copyOfStateDb("before.db");
    f.appendSequentially(7);
    AuditCheckpoint later = f.log.checkpoint().orElseThrow();
    restoreStateDb(before);

    assertThat(f.log.verify().ok()).as("the rolled-back log verifies on its own").isTrue();
    VerifyReport report = f.log.verify(List.of(new Kept("s3:backups/laptop", later)));

    assertThat(report.ok()).isFalse();
    assertThat(report.problem()).isEqualTo(VerifyReport.Problem.ROLLED_BACK);
    assertThat(report.firstBadSeq()).isEqualTo(11);
    assertThat(report.message())
        .contains("ends at seq 10")
        .contains("reaches seq 17")
        .contains("s3:backups/laptop");
  }

  @Test
  void aRolledBackLogThatWentOnPastTheCheckpointDiffersAtItsSeq() throws Exception {
    f.appendSequentially(10);
    Path before = copyOfStateDb("before.db");
    f.appendSequentially(7);
    AuditCheckpoint later = f.log.checkpoint().orElseThrow();
    restoreStateDb(before);
    f.clock.advance(Duration.ofMinutes(5));
    f.appendSequentially(20);

    VerifyReport report = f.log.verify(List.of(new Kept("git:backups#main", later)));

    assertThat(report.problem()).isEqualTo(VerifyReport.Problem.ROLLED_BACK);
    assertThat(report.firstBadSeq()).isEqualTo(17);
    assertThat(report.message()).contains("differs").contains("git:backups#main");
  }

  @Test
  void aCheckpointNotSignedByTheLogsKeyIsReported() {
    f.appendSequentially(4);
    AuditCheckpoint real = f.log.checkpoint().orElseThrow();
    AuditCheckpoint forged =
        new AuditCheckpoint(real.seq(), "ab".repeat(32), real.signature(), real.takenAt());

    VerifyReport report = f.log.verify(List.of(new Kept("local:/backups", forged)));

    assertThat(report.problem()).isEqualTo(VerifyReport.Problem.BAD_SIGNATURE);
    assertThat(report.message()).contains("not signed by this log's key");
  }

  @Test
  void aCheckpointOfArchivedEntriesIsComparedAgainstTheArchive() {
    f.appendSequentially(6);
    AuditCheckpoint cp = f.log.checkpoint().orElseThrow();
    f.clock.advance(Duration.ofDays(40));
    f.appendSequentially(2);
    f.log.archive(Duration.ofDays(30));

    VerifyReport report = f.log.verify(List.of(new Kept("local:/backups", cp)));

    assertThat(f.log.archiveFiles()).hasSize(1);
    assertThat(report.ok()).as(report.message()).isTrue();
  }

  private Path copyOfStateDb(String name) throws Exception {
    Path copy = f.home.resolve(name);
    try (Connection c = f.jdbc();
        Statement s = c.createStatement()) {
      s.execute("VACUUM INTO '" + copy + "'");
    }
    return copy;
  }

  /** Puts an older copy back through SQLite's backup API, as a restore of state.db would. */
  private void restoreStateDb(Path copy) throws Exception {
    try (Connection c = f.jdbc();
        Statement s = c.createStatement()) {
      s.executeUpdate("restore from '" + copy + "'");
    }
  }
}
