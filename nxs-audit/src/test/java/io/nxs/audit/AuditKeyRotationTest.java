package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.VerifyReport.Problem;
import io.nxs.core.NxsException;
import io.nxs.core.state.SecureFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rotation of the audit signing key (SEC5): the chain records a signed hand-over, entries after it
 * are signed by the new key, and {@code verify} follows the hand-overs back from the current key.
 */
class AuditKeyRotationTest {

  private final AuditFixture f = new AuditFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private Path priv() {
    return f.keysDir().resolve("audit-signing.key");
  }

  private Path pub() {
    return f.keysDir().resolve("audit-signing.pub");
  }

  @Test
  void aRotatedLogVerifiesAcrossTheHandOverAndSignsOnWithTheNewKey() throws Exception {
    f.appendSequentially(4);
    String before = f.log.signingKeyId();
    String oldPub = Files.readString(pub());

    String after = f.log.rotateKey("scheduled 90-day rotation", "admin");
    f.appendSequentially(3);

    assertThat(after).isNotEqualTo(before).isEqualTo(f.log.signingKeyId());
    assertThat(Files.readString(pub())).isNotEqualTo(oldPub);
    assertThat(SecureFiles.permissions(priv())).isEqualTo("rw-------");
    assertThat(f.keysDir().resolve("audit-signing.key.next")).doesNotExist();
    AuditEntry handOver =
        f.log.query(AuditQuery.parse("30d", "audit.key_rotated", null)).getFirst();
    assertThat(handOver.seq()).isEqualTo(5);
    assertThat(handOver.actor()).isEqualTo("admin");
    assertThat(handOver.target()).isEqualTo(after);
    assertThat(handOver.details())
        .containsEntry("reason", "scheduled 90-day rotation")
        .containsEntry("previous_key_id", before)
        .containsEntry("key_id", after);
    VerifyReport report = f.log.verify();
    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.entriesChecked()).isEqualTo(8);
  }

  @Test
  void aRotationWithoutAReasonIsRefusedAndChangesNothing() throws Exception {
    f.appendSequentially(2);
    String key = Files.readString(priv());

    assertThatThrownBy(() -> f.log.rotateKey("  ", "admin"))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("--reason");
    assertThat(Files.readString(priv())).isEqualTo(key);
    assertThat(f.count()).isEqualTo(2);
  }

  @Test
  void whoHoldsOnlyTheRetiredKeyCannotAppendAfterTheHandOver() throws Exception {
    f.appendSequentially(2);
    Path keep = f.home.resolve("retired");
    Files.createDirectories(keep);
    Files.copy(priv(), keep.resolve("audit-signing.key"));
    Files.copy(pub(), keep.resolve("audit-signing.pub"));
    f.log.rotateKey("suspected exposure", "admin");
    f.appendSequentially(1);
    Files.copy(keep.resolve("audit-signing.key"), priv(), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(keep.resolve("audit-signing.pub"), pub(), StandardCopyOption.REPLACE_EXISTING);
    // The head names the new key: a process holding only the retired one cannot append at all.
    assertThatThrownBy(f::openAnother)
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("restore the rotated key pair");
  }

  @Test
  void aHandOverNamingAnotherRetiredKeyIsCaughtAtTheHandOver() throws Exception {
    f.appendSequentially(2);
    f.log.rotateKey("scheduled", "admin");
    f.appendSequentially(2);
    // Someone edits the hand-over to claim the old entries were signed by a key of their own.
    String stranger;
    try (AuditFixture other = new AuditFixture()) {
      other.appendSequentially(1);
      stranger =
          Files.readString(other.keysDir().resolve("audit-signing.pub"))
              .lines()
              .filter(l -> !l.startsWith("-----"))
              .collect(java.util.stream.Collectors.joining());
    }
    f.sql(
        "UPDATE audit_entries SET details = json_set(details, '$.previous_key', '"
            + stranger
            + "') WHERE seq = 3");

    VerifyReport report = f.log.verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.message()).contains("not signed by the key it hands over to");
    assertThat(report.firstBadSeq()).isEqualTo(3);
    assertThat(report.problem()).isEqualTo(Problem.BAD_SIGNATURE);
  }

  @Test
  void aPublicKeyFileReplacedAfterARotationIsRefusedWhenTheLogOpens() throws Exception {
    f.appendSequentially(2);
    f.log.rotateKey("scheduled", "admin");
    f.log.close();
    Path stranger;
    try (AuditFixture other = new AuditFixture()) {
      other.appendSequentially(1);
      stranger = f.home.resolve("stranger");
      Files.createDirectories(stranger);
      Files.copy(other.keysDir().resolve("audit-signing.key"), stranger.resolve("k"));
      Files.copy(other.keysDir().resolve("audit-signing.pub"), stranger.resolve("p"));
    }
    Files.copy(stranger.resolve("k"), priv(), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(stranger.resolve("p"), pub(), StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(f::openAnother)
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("is signed with key");
  }

  @Test
  void anotherProcessAppendingWithTheRetiredKeyLoadsTheNewOneFirst() throws Exception {
    f.appendSequentially(2);
    AuditLog cli = f.openAnother(); // opened before the rotation, holds the old key in memory
    try {
      f.log.rotateKey("scheduled", "admin");
      cli.append(AuditFixture.event(10));
      f.appendSequentially(1);
      assertThat(cli.signingKeyId()).isEqualTo(f.log.signingKeyId());
      VerifyReport report = f.log.verify();
      assertThat(report.ok()).as(report.message()).isTrue();
      assertThat(report.entriesChecked()).isEqualTo(5);
    } finally {
      cli.close();
    }
  }

  @Test
  void twoRotationsAndArchivesBetweenThemStayVerifiable() {
    f.appendSequentially(3);
    f.log.rotateKey("first", "admin");
    f.appendSequentially(2);
    f.clock.advance(Duration.ofDays(40));
    f.log.rotateKey("second", "admin");
    f.appendSequentially(2);

    ArchiveResult archived = f.log.archive(Duration.ofDays(30));
    VerifyReport report = f.log.verify();

    assertThat(archived.lastSeq()).isEqualTo(6); // the first hand-over is archived
    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.entriesChecked()).isEqualTo(9);
    assertThat(f.log.verifyArchive(archived.file()).ok()).isTrue();
  }

  @Test
  void aCrashAfterTheHandOverCommittedIsFinishedWhenTheLogOpens() throws Exception {
    f.appendSequentially(2);
    Path oldPriv = f.home.resolve("old.key");
    Path oldPub = f.home.resolve("old.pub");
    Files.copy(priv(), oldPriv);
    Files.copy(pub(), oldPub);
    String newKey = f.log.rotateKey("scheduled", "admin");
    f.log.close();
    // Put the files back as they were between the commit and the switch: the new pair still
    // under .next, the old pair current.
    Files.move(priv(), f.keysDir().resolve("audit-signing.key.next"));
    Files.move(pub(), f.keysDir().resolve("audit-signing.pub.next"));
    Files.copy(oldPriv, priv());
    Files.copy(oldPub, pub());

    f.log = f.openAnother();
    f.appendSequentially(1);

    assertThat(f.log.signingKeyId()).isEqualTo(newKey);
    assertThat(f.keysDir().resolve("audit-signing.key.next")).doesNotExist();
    assertThat(f.log.verify().ok()).isTrue();
  }

  @Test
  void aPreparedKeyWhoseHandOverNeverCommittedIsDiscarded() throws Exception {
    f.appendSequentially(2);
    String key = f.log.signingKeyId();
    f.log.close();
    Files.writeString(f.keysDir().resolve("audit-signing.key.next"), "half written");

    f.log = f.openAnother();
    f.appendSequentially(1);

    assertThat(f.log.signingKeyId()).isEqualTo(key);
    assertThat(f.keysDir().resolve("audit-signing.key.next")).doesNotExist();
    assertThat(f.log.verify().ok()).isTrue();
  }

  @Test
  void aHandOverEntryStrippedOfItsSignatureIsCaught() throws Exception {
    f.appendSequentially(2);
    f.log.rotateKey("scheduled", "admin");
    f.appendSequentially(2);
    try (var c = f.jdbc();
        var s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq FROM audit_entries WHERE event_type = 'audit.key_rotated'")) {
      rs.next();
      long seq = rs.getLong(1);
      f.sql("UPDATE audit_entries SET signature = NULL WHERE seq = " + seq);
      VerifyReport report = f.log.verify();
      assertThat(report.ok()).isFalse();
      assertThat(report.firstBadSeq()).isEqualTo(seq);
      assertThat(report.problem()).isEqualTo(Problem.BAD_SIGNATURE);
    }
  }
}
