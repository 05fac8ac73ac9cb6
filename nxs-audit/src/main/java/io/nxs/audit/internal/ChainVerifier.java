package io.nxs.audit.internal;

import io.nxs.audit.VerifyReport;
import io.nxs.audit.VerifyReport.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Checks the live chain in {@code audit_entries} against {@code audit_anchor} and {@code
 * audit_head}, stopping at the first problem.
 *
 * <p>Walking in seq order it checks: seq continuity (from 1, or from the signed archive anchor),
 * that each prev_hash is the previous entry's hash, that each hash is the SHA-256 of the entry's
 * canonical encoding, and each batch signature. At the end the chain must finish in a signed entry
 * that is exactly the signed head. Only signed entries cost an Ed25519 verification, so a chain
 * written by busy group commits verifies at hashing speed.
 */
public final class ChainVerifier {

  /** Label of the live chain in reports. */
  public static final String LIVE = "live";

  private final KeyRing keys;

  public ChainVerifier(KeyRing keys) {
    this.keys = keys;
  }

  /** The 32 bytes an anchor signature covers. */
  public static byte[] anchorDigest(long seq, String prevHash) {
    return sha256("anchor|" + seq + "|" + prevHash);
  }

  /** Verifies the live chain readable through {@code c}. */
  public VerifyReport verify(Connection c) throws SQLException {
    long expectedSeq = 1;
    String expectedPrev = EntryCodec.GENESIS;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, prev_hash, signature FROM audit_anchor")) {
      if (rs.next()) {
        expectedSeq = rs.getLong(1);
        expectedPrev = rs.getString(2);
        if (!keys.verifyAny("anchor", anchorDigest(expectedSeq, expectedPrev), rs.getString(3))) {
          return VerifyReport.bad(
              LIVE,
              0,
              expectedSeq,
              Problem.BAD_SIGNATURE,
              "the archive anchor's signature does not verify: the start of the live chain was moved");
        }
      }
    }
    byte[] prevBytes = EntryCodec.unhex(expectedPrev);
    long count = 0;
    boolean lastSigned = false;
    SignatureChecks signatures = new SignatureChecks();
    VerifyReport chainProblem = null;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, ts_millis, event_type, severity, actor, target, details, prev_hash,"
                    + " hash, signature FROM audit_entries ORDER BY seq")) {
      while (chainProblem == null && rs.next()) {
        count++;
        long seq = rs.getLong(1);
        String prevHash = rs.getString(8);
        String hash = rs.getString(9);
        String signature = rs.getString(10);
        if (seq != expectedSeq) {
          chainProblem =
              VerifyReport.bad(
                  LIVE,
                  count,
                  expectedSeq,
                  Problem.MISSING,
                  seq == expectedSeq + 1
                      ? "the entry is missing (the next one present is seq " + seq + ")"
                      : "entries " + expectedSeq + " to " + (seq - 1) + " are missing");
          break;
        }
        boolean linked = expectedPrev.equals(prevHash);
        byte[] storedPrev = linked ? prevBytes : unhexOrNull(prevHash);
        byte[] actual =
            storedPrev == null
                ? new byte[32]
                : EntryCodec.hash(
                    seq,
                    rs.getLong(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    storedPrev);
        boolean selfConsistent = EntryCodec.hex(actual).equals(hash);
        if (!linked) {
          Long holder = seqHolding(c, prevHash, seq);
          if (holder != null) {
            chainProblem =
                VerifyReport.bad(
                    LIVE,
                    count,
                    seq,
                    Problem.REORDERED,
                    "it links to the hash of seq " + holder + " instead of seq " + (seq - 1));
          } else if (!selfConsistent || count == 1) {
            chainProblem =
                VerifyReport.bad(
                    LIVE,
                    count,
                    seq,
                    Problem.EDITED,
                    "its prev_hash does not match the hash of seq " + (seq - 1));
          } else {
            chainProblem =
                VerifyReport.bad(
                    LIVE,
                    count,
                    seq - 1,
                    Problem.EDITED,
                    "its hash was rewritten: seq " + seq + " links to a different hash");
          }
          break;
        }
        if (!selfConsistent) {
          chainProblem =
              VerifyReport.bad(
                  LIVE, count, seq, Problem.EDITED, "its content no longer matches its hash");
          break;
        }
        if (signature != null) {
          signatures.add(new Signed(seq, count, actual, signature));
        } else if (keys.isHandOver(seq)) {
          chainProblem =
              VerifyReport.bad(
                  LIVE,
                  count,
                  seq,
                  Problem.BAD_SIGNATURE,
                  "a key hand-over must be signed by the key it retires, and this one is not");
          break;
        }
        lastSigned = signature != null;
        expectedPrev = hash;
        prevBytes = actual;
        expectedSeq++;
      }
    }
    // The walk above reads and hashes; the batch signatures (one Ed25519 check each) are
    // independent of one another and were checked on other cores while it ran. The earliest
    // problem of either kind is the one reported.
    long problemSeq = chainProblem == null ? Long.MAX_VALUE : chainProblem.firstBadSeq();
    Optional<Signed> forged = signatures.firstForged().filter(e -> e.seq() <= problemSeq);
    if (forged.isPresent()) {
      return VerifyReport.bad(
          LIVE,
          forged.get().count(),
          forged.get().seq(),
          Problem.BAD_SIGNATURE,
          "its signature does not verify with the audit key in force at that seq");
    }
    if (chainProblem != null) {
      return chainProblem;
    }
    return checkHead(c, count, expectedSeq - 1, expectedPrev, lastSigned);
  }

  /** A batch's last entry: its recomputed hash and the signature stored with it. */
  private record Signed(long seq, long count, byte[] digest, String signature) {}

  /**
   * Checks signatures in groups on the common fork-join pool while the walk goes on, so the reading
   * and hashing on one core and the Ed25519 checks on the others overlap.
   */
  private final class SignatureChecks {
    private static final int GROUP = 256;
    private final List<CompletableFuture<Optional<Signed>>> pending = new ArrayList<>();
    private List<Signed> group = new ArrayList<>(GROUP);

    void add(Signed s) {
      group.add(s);
      if (group.size() == GROUP) {
        submit();
      }
    }

    private void submit() {
      List<Signed> mine = group;
      group = new ArrayList<>(GROUP);
      pending.add(
          CompletableFuture.supplyAsync(
              () ->
                  mine.stream()
                      .filter(e -> !keys.verifyAt(e.seq(), "entry", e.digest(), e.signature()))
                      .findFirst()));
    }

    /** The signed entry with the lowest seq whose signature does not verify. */
    Optional<Signed> firstForged() {
      if (!group.isEmpty()) {
        submit();
      }
      return pending.stream()
          .map(CompletableFuture::join)
          .flatMap(Optional::stream)
          .min(Comparator.comparingLong(Signed::seq));
    }
  }

  private VerifyReport checkHead(
      Connection c, long count, long lastSeq, String lastHash, boolean lastSigned)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, hash, signature FROM audit_head WHERE id = 1")) {
      if (!rs.next()) {
        if (lastSeq == 0) {
          return VerifyReport.ok(LIVE, 0);
        }
        return VerifyReport.bad(
            LIVE,
            count,
            lastSeq + 1,
            Problem.TRUNCATED,
            "the signed head record is missing, so deleted newest entries cannot be ruled out");
      }
      long headSeq = rs.getLong(1);
      String headHash = rs.getString(2);
      if (!keys.verifyAt(headSeq, "entry", EntryCodec.unhex(headHash), rs.getString(3))) {
        return VerifyReport.bad(
            LIVE,
            count,
            headSeq,
            Problem.BAD_SIGNATURE,
            "the head record's signature does not verify");
      }
      if (headSeq > lastSeq) {
        return VerifyReport.bad(
            LIVE,
            count,
            lastSeq + 1,
            Problem.TRUNCATED,
            headSeq == lastSeq + 1
                ? "the newest entry was deleted (the signed head is seq " + headSeq + ")"
                : "entries " + (lastSeq + 1) + " to " + headSeq + " were deleted from the end");
      }
      if (headSeq < lastSeq) {
        return VerifyReport.bad(
            LIVE,
            count,
            headSeq + 1,
            Problem.EDITED,
            "entries after the signed head (seq " + headSeq + ") were added outside the log");
      }
      if (!headHash.equals(lastHash)) {
        return VerifyReport.bad(
            LIVE, count, lastSeq, Problem.EDITED, "its hash differs from the signed head");
      }
      if (count > 0 && !lastSigned) {
        return VerifyReport.bad(
            LIVE,
            count,
            lastSeq + 1,
            Problem.TRUNCATED,
            "the chain ends in an unsigned entry: the end of its batch was deleted");
      }
      return VerifyReport.ok(LIVE, count);
    }
  }

  private static byte[] unhexOrNull(String hex) {
    try {
      return EntryCodec.unhex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The seq of another entry whose hash is {@code hash}, if any. */
  private static Long seqHolding(Connection c, String hash, long notSeq) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT seq FROM audit_entries WHERE hash = ? AND seq <> ? LIMIT 1")) {
      ps.setString(1, hash);
      ps.setLong(2, notSeq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-256", e);
    }
  }
}
