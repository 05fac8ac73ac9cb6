package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.audit.VerifyReport.Problem;
import io.nxs.audit.internal.EntryCodec;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of tampering with the stored chain is detected and the first bad seq is named. */
class AuditTamperTest {

  private AuditFixture f;

  @BeforeEach
  void tenEntries() {
    f = new AuditFixture();
    f.appendSequentially(10);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void anUntouchedChainVerifies() {
    VerifyReport report = f.log.verify();

    assertThat(report.ok()).as(report.message()).isTrue();
    assertThat(report.entriesChecked()).isEqualTo(10);
    assertThat(report.firstBadSeq()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ts_millis = ts_millis + 1",
        "event_type = 'security.anomaly'",
        "severity = 'critical'",
        "actor = 'mallory'",
        "target = 'elsewhere'",
        "details = '{\"attempt\":4,\"nested\":{\"a\":1,\"b\":2},\"note\":\"event number 99\"}'",
        "prev_hash = '" + "ab" + "00000000000000000000000000000000000000000000000000000000000000'"
      })
  void anEditedFieldInTheMiddleIsNamed(String change) throws Exception {
    f.sql("UPDATE audit_entries SET " + change + " WHERE seq = 4");

    VerifyReport report = f.log.verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(4L);
    assertThat(report.problem()).isEqualTo(Problem.EDITED);
    assertThat(report.message()).contains("seq 4");
  }

  @Test
  void aRewrittenHashIsNamed() throws Exception {
    f.sql("UPDATE audit_entries SET hash = '" + "11".repeat(32) + "' WHERE seq = 6");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(6L);
    assertThat(report.problem()).isEqualTo(Problem.EDITED);
  }

  @Test
  void anEditWithACorrectlyRecomputedHashIsCaughtByTheSignature() throws Exception {
    try (Connection c = f.jdbc();
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT seq, ts_millis, event_type, severity, target, details,"
                    + " prev_hash FROM audit_entries WHERE seq = 6")) {
      rs.next();
      byte[] forged =
          EntryCodec.hash(
              6,
              rs.getLong(2),
              rs.getString(3),
              rs.getString(4),
              "mallory",
              rs.getString(5),
              rs.getString(6),
              EntryCodec.unhex(rs.getString(7)));
      f.sql(
          "UPDATE audit_entries SET actor = 'mallory', hash = '"
              + EntryCodec.hex(forged)
              + "' WHERE seq = 6");
    }

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(6L);
    assertThat(report.problem()).isEqualTo(Problem.BAD_SIGNATURE);
  }

  @Test
  void aDeletedEntryInTheMiddleIsNamedAsMissing() throws Exception {
    f.sql("DELETE FROM audit_entries WHERE seq = 5");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(5L);
    assertThat(report.problem()).isEqualTo(Problem.MISSING);
  }

  @Test
  void deletedFirstEntriesAreNamedAsMissing() throws Exception {
    f.sql("DELETE FROM audit_entries WHERE seq <= 2");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(1L);
    assertThat(report.problem()).isEqualTo(Problem.MISSING);
  }

  @Test
  void theDeletedLastEntryIsDetectedThroughTheSignedHead() throws Exception {
    f.sql("DELETE FROM audit_entries WHERE seq = 10");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(10L);
    assertThat(report.problem()).isEqualTo(Problem.TRUNCATED);
  }

  @Test
  void deletedLastEntriesAndHeadAreStillDetected() throws Exception {
    f.sql("DELETE FROM audit_entries WHERE seq >= 8");
    f.sql("DELETE FROM audit_head");

    VerifyReport report = f.log.verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(8L);
    assertThat(report.problem()).isEqualTo(Problem.TRUNCATED);
  }

  @Test
  void twoSwappedEntriesAreNamedAsReordered() throws Exception {
    String cols =
        "ts_millis, event_type, severity, actor, target, details, prev_hash, hash, signature";
    try (Connection c = f.jdbc();
        var s = c.createStatement()) {
      s.executeUpdate(
          "CREATE TEMP TABLE swap AS SELECT seq, "
              + cols
              + " FROM audit_entries"
              + " WHERE seq IN (3, 4)");
      s.executeUpdate(
          "UPDATE audit_entries SET ("
              + cols
              + ") = (SELECT "
              + cols
              + " FROM swap WHERE swap.seq = 7 - audit_entries.seq) WHERE seq IN (3, 4)");
    }

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(3L);
    assertThat(report.problem()).isEqualTo(Problem.REORDERED);
    assertThat(report.message()).contains("hash of seq 4");
  }

  @Test
  void aSignatureFromAnotherKeyIsNamedAsForged() throws Exception {
    var pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    String hash;
    try (Connection c = f.jdbc();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT hash FROM audit_entries WHERE seq = 7")) {
      rs.next();
      hash = rs.getString(1);
    }
    signer.update(("nxs-audit-entry-v1:").getBytes());
    signer.update(java.util.HexFormat.of().parseHex(hash));
    String forged = Base64.getEncoder().encodeToString(signer.sign());
    f.sql("UPDATE audit_entries SET signature = '" + forged + "' WHERE seq = 7");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(7L);
    assertThat(report.problem()).isEqualTo(Problem.BAD_SIGNATURE);
  }

  @Test
  void aForgedHeadSignatureIsDetected() throws Exception {
    f.sql(
        "UPDATE audit_head SET signature = '"
            + Base64.getEncoder().encodeToString(new byte[64])
            + "'");

    VerifyReport report = f.log.verify();

    assertThat(report.firstBadSeq()).isEqualTo(10L);
    assertThat(report.problem()).isEqualTo(Problem.BAD_SIGNATURE);
  }

  @Test
  void entriesInsertedPastTheSignedHeadAreDetected() throws Exception {
    f.sql(
        "INSERT INTO audit_entries SELECT 11, ts_millis, event_type, severity, actor, target,"
            + " details, hash, hash, NULL FROM audit_entries WHERE seq = 10");

    VerifyReport report = f.log.verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.firstBadSeq()).isEqualTo(11L);
  }
}
