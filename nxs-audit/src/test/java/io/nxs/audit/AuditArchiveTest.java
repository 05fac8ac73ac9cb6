package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.VerifyReport.Problem;
import io.nxs.core.NxsException;
import io.nxs.core.state.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention: old entries move to signed archive files that stay verifiable (SPEC AU3). */
class AuditArchiveTest {

  private final AuditFixture f = new AuditFixture();

  @AfterEach
  void close() {
    f.close();
  }

  /** 6 entries on day 0, 4 entries on day 40; then archive with the 30-day default. */
  private ArchiveResult archiveOldHalf() {
    f.appendSequentially(6);
    f.clock.advance(Duration.ofDays(40));
    for (int i = 7; i <= 10; i++) {
      f.log.append(AuditFixture.event(i));
    }
    return f.log.archive(AuditConfig.defaults().retention());
  }

  @Test
  void entriesOlderThanRetentionMoveToASignedArchiveAndNothingIsLost() throws Exception {
    ArchiveResult result = archiveOldHalf();

    assertThat(result.entries()).isEqualTo(6);
    assertThat(result.firstSeq()).isEqualTo(1);
    assertThat(result.lastSeq()).isEqualTo(6);
    assertThat(result.file())
        .isEqualTo(f.home.resolve("audit/archive/audit-000000000001-000000000006.jsonl"));
    assertThat(SecureFiles.permissions(result.file())).isEqualTo("rw-------");
    assertThat(Files.readAllLines(result.file()))
        .hasSize(7)
        .last()
        .asString()
        .startsWith("{\"archive\"");
    assertThat(f.count()).isEqualTo(4);
    assertThat(f.log.verifyArchive(result.file()).ok()).isTrue();
    VerifyReport all = f.log.verify();
    assertThat(all.ok()).as(all.message()).isTrue();
    assertThat(all.entriesChecked()).isEqualTo(10);
  }

  @Test
  void theChainContinuesAfterArchivingEverything() {
    f.appendSequentially(3);
    f.clock.advance(Duration.ofDays(31));

    assertThat(f.log.archive(Duration.ofDays(30)).entries()).isEqualTo(3);
    assertThat(f.log.verify().ok()).isTrue();
    assertThat(f.log.append(AuditFixture.event(4))).isEqualTo(4);
    f.clock.advance(Duration.ofDays(31));
    f.log.append(AuditFixture.event(5));
    assertThat(f.log.archive(Duration.ofDays(30)).lastSeq()).isEqualTo(4);

    VerifyReport report = f.log.verify();
    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.entriesChecked()).isEqualTo(5);
    assertThat(f.log.archiveFiles()).hasSize(2);
  }

  @Test
  void nothingOldEnoughMeansNoFile() {
    f.appendSequentially(3);

    assertThat(f.log.archive(Duration.ofDays(30))).isEqualTo(ArchiveResult.nothing());
    assertThat(f.log.archiveFiles()).isEmpty();
  }

  @Test
  void anEditedArchiveLineIsNamed() throws Exception {
    Path file = archiveOldHalf().file();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(2, lines.get(2).replace("\"actor\":\"nxs\"", "\"actor\":\"mallory\""));
    Files.write(file, lines);

    VerifyReport report = f.log.verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.source()).isEqualTo(file.getFileName().toString());
    assertThat(report.firstBadSeq()).isEqualTo(3L);
    assertThat(report.problem()).isEqualTo(Problem.EDITED);
  }

  @Test
  void aTruncatedArchiveIsNamed() throws Exception {
    Path file = archiveOldHalf().file();
    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, 4));

    VerifyReport report = f.log.verifyArchive(file);

    assertThat(report.firstBadSeq()).isEqualTo(5L);
    assertThat(report.problem()).isEqualTo(Problem.TRUNCATED);
  }

  @Test
  void aDeletedArchiveFileBreaksVerification() throws Exception {
    Path file = archiveOldHalf().file();
    Files.delete(file);

    VerifyReport report = f.log.verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(1L);
    assertThat(report.problem()).isEqualTo(Problem.MISSING);
  }

  @Test
  void aMovedAnchorIsCaughtByItsSignature() throws Exception {
    archiveOldHalf();
    f.sql("DELETE FROM audit_entries WHERE seq = 7");
    f.sql("UPDATE audit_anchor SET seq = 8");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(8L);
    assertThat(report.problem()).isEqualTo(Problem.BAD_SIGNATURE);
  }

  @Test
  void aTamperedChainIsNeverArchived() throws Exception {
    f.appendSequentially(4);
    f.clock.advance(Duration.ofDays(31));
    f.sql("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2");

    assertThatThrownBy(() -> f.log.archive(Duration.ofDays(30)))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("refusing to archive")
        .hasMessageContaining("seq 2");
    assertThat(f.count()).isEqualTo(4);
    assertThat(f.log.archiveFiles()).isEmpty();
  }
}
