package io.nxs.audit.internal;

import io.nxs.audit.VerifyReport;
import io.nxs.audit.VerifyReport.Problem;
import io.nxs.core.audit.CheckpointStore.Kept;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Compares a log that verified on its own against signed checkpoints kept elsewhere (ADR 0020). A
 * log can be rolled back to an earlier signed state without the private key (restore an older copy
 * of {@code state.db}); it then verifies on its own, but it either ends before a checkpoint's seq
 * or holds another hash at it.
 */
public final class CheckpointComparison {

  /** Label of reports about checkpoints. */
  public static final String SOURCE = "checkpoint";

  private final KeyRing keys;

  public CheckpointComparison(KeyRing keys) {
    this.keys = keys;
  }

  /**
   * Checks the log against each checkpoint, newest first.
   *
   * @param c the database, whose chain already verified
   * @param archives the archive files in chain order, for seqs no longer live
   * @param entries how many entries the log's own verification counted
   * @return the first contradiction, or empty when every checkpoint agrees
   */
  public Optional<VerifyReport> contradiction(
      Connection c, List<Path> archives, List<Kept> checkpoints, long entries) throws SQLException {
    long lastSeq = headSeq(c);
    List<Kept> newestFirst =
        checkpoints.stream()
            .sorted(Comparator.comparingLong((Kept k) -> k.checkpoint().seq()).reversed())
            .toList();
    for (Kept kept : newestFirst) {
      long seq = kept.checkpoint().seq();
      String where = kept.where() + " (taken " + kept.checkpoint().takenAt() + ")";
      if (!signed(kept)) {
        return Optional.of(
            VerifyReport.bad(
                SOURCE,
                entries,
                seq,
                Problem.BAD_SIGNATURE,
                "the checkpoint on "
                    + where
                    + " is not signed by this log's key: it was forged, or the key was replaced"));
      }
      if (seq > lastSeq) {
        return Optional.of(
            VerifyReport.bad(
                SOURCE,
                entries,
                lastSeq + 1,
                Problem.ROLLED_BACK,
                "the log ends at seq "
                    + lastSeq
                    + " but the signed checkpoint on "
                    + where
                    + " reaches seq "
                    + seq
                    + ": the log was rolled back or truncated to an earlier signed state"));
      }
      Optional<String> here = hashAt(c, archives, seq);
      if (here.isEmpty() || !here.get().equals(kept.checkpoint().hash())) {
        return Optional.of(
            VerifyReport.bad(
                SOURCE,
                entries,
                seq,
                Problem.ROLLED_BACK,
                "the log's entry differs from the signed checkpoint on "
                    + where
                    + ": the log was rolled back to an earlier signed state and written on"));
      }
    }
    return Optional.empty();
  }

  private boolean signed(Kept kept) {
    try {
      return keys.verifyAny(
          "entry", EntryCodec.unhex(kept.checkpoint().hash()), kept.checkpoint().signature());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long headSeq(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_head WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private Optional<String> hashAt(Connection c, List<Path> archives, long seq) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT hash FROM audit_entries WHERE seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return Optional.of(rs.getString(1));
        }
      }
    }
    ArchiveFiles files = new ArchiveFiles(null, keys);
    for (Path archive : archives) {
      Optional<String> found = files.hashAt(archive, seq);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
