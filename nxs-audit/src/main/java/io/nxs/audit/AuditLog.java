package io.nxs.audit;

import io.nxs.audit.internal.ArchiveFiles;
import io.nxs.audit.internal.AuditReportWriter;
import io.nxs.audit.internal.ChainVerifier;
import io.nxs.audit.internal.CheckpointComparison;
import io.nxs.audit.internal.EntryCodec;
import io.nxs.audit.internal.EntryRows;
import io.nxs.audit.internal.GroupCommitWriter;
import io.nxs.audit.internal.GroupCommitWriter.Pending;
import io.nxs.audit.internal.KeyRing;
import io.nxs.audit.internal.SigningKeys;
import io.nxs.core.NxsException;
import io.nxs.core.audit.AuditCheckpoint;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.audit.CheckpointStore;
import io.nxs.core.state.StateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The hash-chained, Ed25519-signed audit log (SPEC AU1-AU4) in the shared state store.
 *
 * <p>Appends are group-committed: concurrent callers share one SQLite transaction and one signature
 * (on the batch's last entry, whose hash covers the batch through the chain), and each returns only
 * after that transaction committed. Several instances (the daemon and a CLI command) may append to
 * the same file at once: each commit takes SQLite's write lock first and continues the chain from
 * the tip it reads inside the transaction. See
 * docs/adr/0020-audit-chain-and-checkpoint-signatures.md.
 *
 * <p>Entries older than the retention move to signed archive files under {@code
 * <home>/audit/archive/} (the directory holding {@code state.db}); {@link #verify} checks the live
 * chain, every archive file and that they join up.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

  private final StateStore store;
  private final Path archiveDir;
  private final Clock clock;
  private final Path keysDir;
  private final GroupCommitWriter writer;

  private AuditLog(StateStore store, Path archiveDir, Clock clock, Path keysDir, SigningKeys keys) {
    this.store = store;
    this.archiveDir = archiveDir;
    this.clock = clock;
    this.keysDir = keysDir;
    this.writer =
        new GroupCommitWriter(
            store, keys, id -> SigningKeys.promote(keysDir, id), "nxs-audit-writer");
  }

  /**
   * Opens the audit log in {@code store}, archiving to {@code <dir of state.db>/audit/archive}.
   *
   * @see #open(StateStore, Path, Path, Clock)
   */
  public static AuditLog open(StateStore store, Path keysDir, Clock clock) {
    Path home = store.file().toAbsolutePath().getParent();
    return open(store, keysDir, home.resolve("audit").resolve("archive"), clock);
  }

  /**
   * Migrates the audit tables and loads the signing key pair from {@code keysDir}, creating it
   * ({@code audit-signing.key} mode 0600, {@code audit-signing.pub}) when the log is new.
   *
   * @throws NxsException when the key is missing or damaged for a log that already has entries, or
   *     the tables cannot be migrated
   */
  public static AuditLog open(StateStore store, Path keysDir, Path archiveDir, Clock clock) {
    store.migrate("audit");
    boolean fresh;
    String signingKey = null;
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT key_id FROM audit_head")) {
      fresh = !rs.next();
      if (!fresh) {
        signingKey = rs.getString(1);
      }
    } catch (SQLException e) {
      throw new NxsException(
          "cannot read the audit log in " + store.file() + ": " + e.getMessage(), e);
    }
    // A rotation that committed just before a crash left its new pair as .next files: finish it.
    SigningKeys keys =
        fresh ? SigningKeys.loadOrCreate(keysDir, true) : SigningKeys.promote(keysDir, signingKey);
    return new AuditLog(store, archiveDir, clock, keysDir, keys);
  }

  /**
   * Rotates the signing key (SEC5): a new Ed25519 pair, a hand-over entry signed by the retired key
   * that names both keys and carries the new key's signature over the retired one, then every later
   * entry signed by the new key. {@link #verify()} follows the hand-overs back from the current
   * key, so entries signed before stay verifiable; the retired private key is deleted. Safe against
   * a crash at any point (the new pair is written before the hand-over commits and put in place
   * after; opening the log finishes a half-done switch) and against another process appending or
   * rotating at the same time.
   *
   * @param reason why, recorded in the entry (required)
   * @param actor who asked for it
   * @return the new key's id
   * @throws NxsException without a reason, or when the key files cannot be written
   */
  public String rotateKey(String reason, String actor) {
    if (reason == null || reason.isBlank()) {
      throw new NxsException("a key rotation needs a reason: give --reason");
    }
    return SigningKeys.underRotationLock(
        keysDir,
        () -> {
          writer.adopt(SigningKeys.promoteLocked(keysDir, headKeyId()));
          SigningKeys next = SigningKeys.prepareNextLocked(keysDir);
          writer.handOver(clock.millis(), actor, reason.strip(), next);
          SigningKeys.promoteLocked(keysDir, next.id());
          return next.id();
        });
  }

  /** The id of the key that signs the chain now. */
  public String signingKeyId() {
    return writer.keys().id();
  }

  private String headKeyId() {
    return read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT key_id FROM audit_head WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
          }
        });
  }

  /**
   * Every key the log was signed with, derived from the hand-over entries of the archives and the
   * live chain, trusting only the current public key.
   */
  private KeyRing.Derivation ring(Connection c) throws SQLException {
    List<KeyRing.HandOver> handOvers = new ArrayList<>();
    ArchiveFiles reader = new ArchiveFiles(null, null);
    for (Path file : archiveFiles()) {
      handOvers.addAll(reader.handOvers(file));
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, details FROM audit_entries WHERE event_type = ? ORDER BY seq")) {
      ps.setString(1, KeyRing.ROTATED);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          Map<String, Object> details;
          try {
            details = EntryCodec.parseDetails(rs.getString(2));
          } catch (NxsException e) {
            details = Map.of();
          }
          handOvers.add(
              KeyRing.HandOver.of(seq, details)
                  .orElse(new KeyRing.HandOver(seq, null, null, null)));
        }
      }
    }
    return KeyRing.derive(writer.keys(), handOvers);
  }

  private static VerifyReport broken(KeyRing.Derivation d) {
    return VerifyReport.bad(
        ChainVerifier.LIVE, 0, d.badSeq(), VerifyReport.Problem.BAD_SIGNATURE, d.problem());
  }

  /**
   * Appends an event and returns once its transaction has committed durably.
   *
   * @return the entry's seq
   * @throws NxsException when the details are not JSON-able or too large, the log is closed, or the
   *     commit failed
   */
  @Override
  public long append(AuditEvent event) {
    String details = EntryCodec.canonicalDetails(event.details());
    return writer.append(
        new Pending(
            clock.millis(),
            event.type(),
            event.severity().label(),
            event.actor(),
            event.target(),
            details,
            new CompletableFuture<>()));
  }

  /**
   * Verifies the live chain, then every archive file and that archives and live chain join up.
   *
   * @return the first failure found, or an ok report counting every entry checked
   */
  public VerifyReport verify() {
    KeyRing.Derivation derived = read(this::ring);
    return derived.ok() ? verify(derived.ring()) : broken(derived);
  }

  /** {@link #verify()} with every key the log was signed with already derived. */
  private VerifyReport verify(KeyRing keys) {
    VerifyReport live;
    String anchorPrev = null;
    long anchorSeq = 1;
    try (Connection c = store.connect()) {
      live = new ChainVerifier(keys).verify(c);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT seq, prev_hash FROM audit_anchor")) {
        if (rs.next()) {
          anchorSeq = rs.getLong(1);
          anchorPrev = rs.getString(2);
        }
      }
    } catch (SQLException e) {
      throw new NxsException(
          "cannot read the audit log in " + store.file() + ": " + e.getMessage(), e);
    }
    if (!live.ok()) {
      return live;
    }
    long total = live.entriesChecked();
    ArchiveFiles archives = new ArchiveFiles(null, keys);
    long nextSeq = 1;
    String nextPrev = EntryCodec.GENESIS;
    for (Path file : archiveFiles()) {
      ArchiveFiles.Check check = archives.verify(file);
      if (!check.report().ok()) {
        return check.report();
      }
      ArchiveFiles.Summary s = check.summary();
      String name = file.getFileName().toString();
      if (s.firstSeq() != nextSeq) {
        return VerifyReport.bad(
            name,
            total,
            nextSeq,
            VerifyReport.Problem.MISSING,
            "no archive file holds it (this file starts at seq " + s.firstSeq() + ")");
      }
      if (!s.firstPrevHash().equals(nextPrev)) {
        return VerifyReport.bad(
            name,
            total,
            s.firstSeq(),
            VerifyReport.Problem.EDITED,
            "it does not link to the previous archive file");
      }
      total += check.report().entriesChecked();
      nextSeq = s.lastSeq() + 1;
      nextPrev = s.lastHash();
    }
    if (anchorPrev != null && (anchorSeq != nextSeq || !anchorPrev.equals(nextPrev))) {
      return VerifyReport.bad(
          ChainVerifier.LIVE,
          total,
          nextSeq,
          VerifyReport.Problem.MISSING,
          "the archive files end before the live chain starts (seq " + anchorSeq + ")");
    }
    return VerifyReport.ok(ChainVerifier.LIVE + (nextSeq > 1 ? " and archives" : ""), total);
  }

  /**
   * Verifies the log as {@link #verify()} does, then compares it against signed checkpoints kept
   * off the machine: a log that ends before a checkpoint's seq, or holds another hash there, was
   * rolled back to an earlier signed state ({@link VerifyReport.Problem#ROLLED_BACK}).
   *
   * @param checkpoints the newest checkpoint of each place that keeps them; none checks the log
   *     alone
   */
  public VerifyReport verify(List<CheckpointStore.Kept> checkpoints) {
    KeyRing.Derivation derived = read(this::ring);
    if (!derived.ok()) {
      return broken(derived);
    }
    VerifyReport report = verify(derived.ring());
    if (!report.ok() || checkpoints.isEmpty()) {
      return report;
    }
    List<Path> archives = archiveFiles();
    Optional<VerifyReport> contradiction =
        read(
            c ->
                new CheckpointComparison(derived.ring())
                    .contradiction(c, archives, checkpoints, report.entriesChecked()));
    if (contradiction.isPresent()) {
      return contradiction.get();
    }
    CheckpointStore.Kept newest =
        checkpoints.stream().max(Comparator.comparingLong(k -> k.checkpoint().seq())).orElseThrow();
    return new VerifyReport(
        report.source(),
        true,
        report.entriesChecked(),
        null,
        null,
        report.message()
            + "; agrees with the signed checkpoint of seq "
            + newest.checkpoint().seq()
            + " on "
            + newest.where());
  }

  /**
   * The chain's signed head, taken now, for a copy kept off the machine; empty while the log has no
   * entry.
   *
   * @throws NxsException when the database cannot be read
   */
  @Override
  public Optional<AuditCheckpoint> checkpoint() {
    return read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery("SELECT seq, hash, signature FROM audit_head WHERE id = 1")) {
            return rs.next()
                ? Optional.of(
                    new AuditCheckpoint(
                        rs.getLong(1), rs.getString(2), rs.getString(3), clock.instant()))
                : Optional.empty();
          }
        });
  }

  /** Verifies one archive file on its own (it may have been copied off the machine). */
  public VerifyReport verifyArchive(Path file) {
    KeyRing.Derivation derived = read(this::ring);
    if (!derived.ok()) {
      return broken(derived);
    }
    return new ArchiveFiles(null, derived.ring()).verify(file).report();
  }

  /**
   * The newest entries matching a query (at most its limit), oldest first.
   *
   * @throws NxsException when the database cannot be read
   */
  public List<AuditEntry> query(AuditQuery q) {
    StringBuilder where = new StringBuilder(" WHERE ts_millis >= ?");
    if (q.typeGlob() != null) {
      where.append(" AND event_type GLOB ?");
    }
    if (q.actor() != null) {
      where.append(" AND actor = ?");
    }
    String sql =
        "SELECT * FROM (SELECT "
            + EntryRows.COLUMNS
            + " FROM audit_entries"
            + where
            + " ORDER BY seq DESC LIMIT ?) ORDER BY seq";
    List<AuditEntry> out = new ArrayList<>();
    try (Connection c = store.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setLong(i++, q.sinceMillis(clock));
      if (q.typeGlob() != null) {
        ps.setString(i++, q.typeGlob());
      }
      if (q.actor() != null) {
        ps.setString(i++, q.actor());
      }
      ps.setInt(i, q.limit());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(EntryRows.read(rs));
        }
      }
    } catch (SQLException e) {
      throw new NxsException(
          "cannot query the audit log in " + store.file() + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The report for a named period ending now; see {@link #report(Duration, String)}. */
  public String report(ReportPeriod period, String format) {
    return report(period.length(), format);
  }

  /**
   * Counts by type and severity and the notable (critical, high) events of the live log over the
   * last {@code period}.
   *
   * @param format {@code markdown} (a document with tables) or {@code json}
   * @throws NxsException for an unknown format
   */
  public String report(Duration period, String format) {
    return read(c -> AuditReportWriter.write(c, clock.instant(), period, format));
  }

  /**
   * Moves entries older than {@code retention} to a signed archive file and anchors the live
   * chain's start to the last archived hash. Only a prefix of the chain moves (up to the first
   * entry that is still young), and only when the live chain verifies: a tampered log is never
   * archived. Appends wait while it runs.
   *
   * @throws NxsException when the chain does not verify or the file cannot be written
   */
  public ArchiveResult archive(Duration retention) {
    long cutoff = clock.instant().minus(retention).toEpochMilli();
    try (Connection c = store.connect();
        Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      try {
        ArchiveResult result = archiveLocked(c, cutoff);
        s.execute("COMMIT");
        return result;
      } catch (SQLException | RuntimeException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    } catch (SQLException e) {
      throw new NxsException(
          "cannot archive the audit log in " + store.file() + ": " + e.getMessage(), e);
    }
  }

  private ArchiveResult archiveLocked(Connection c, long cutoff) throws SQLException {
    KeyRing.Derivation derived = ring(c);
    VerifyReport report =
        derived.ok() ? new ChainVerifier(derived.ring()).verify(c) : broken(derived);
    if (!report.ok()) {
      throw new NxsException(
          "refusing to archive a chain that does not verify: " + report.message());
    }
    long first;
    long last;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT MIN(seq), MAX(seq), (SELECT MIN(seq) FROM audit_entries WHERE ts_millis >= "
                    + cutoff
                    + ") FROM audit_entries")) {
      rs.next();
      first = rs.getLong(1);
      last = rs.getLong(3) != 0 ? rs.getLong(3) - 1 : rs.getLong(2);
      if (rs.getLong(2) == 0 || last < first) {
        return ArchiveResult.nothing();
      }
    }
    Path file = archiveDir.resolve(ArchiveFiles.fileName(first, last));
    removeLeftovers(first);
    SigningKeys signer = writer.keys();
    ArchiveFiles.Summary summary =
        new ArchiveFiles(signer, derived.ring()).write(c, archiveDir, first, last, file);
    try (PreparedStatement del = c.prepareStatement("DELETE FROM audit_entries WHERE seq <= ?");
        PreparedStatement anchor =
            c.prepareStatement(
                "INSERT INTO audit_anchor (id, seq, prev_hash, archive, signature) VALUES (1, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,"
                    + " prev_hash = excluded.prev_hash, archive = excluded.archive,"
                    + " signature = excluded.signature")) {
      del.setLong(1, last);
      del.executeUpdate();
      anchor.setLong(1, last + 1);
      anchor.setString(2, summary.lastHash());
      anchor.setString(3, file.getFileName().toString());
      anchor.setString(
          4, signer.sign("anchor", ChainVerifier.anchorDigest(last + 1, summary.lastHash())));
      anchor.executeUpdate();
    }
    return new ArchiveResult(last - first + 1, first, last, file);
  }

  /**
   * Deletes archive files starting at {@code firstLiveSeq}: their entries are still live, so they
   * are left over from an archive run whose transaction did not commit.
   */
  private void removeLeftovers(long firstLiveSeq) {
    String prefix = ArchiveFiles.fileName(firstLiveSeq, 0).substring(0, 19);
    for (Path p : archiveFiles()) {
      if (p.getFileName().toString().startsWith(prefix)) {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new NxsException(
              "cannot replace the unfinished audit archive " + p + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /** The archive files, in chain order. */
  public List<Path> archiveFiles() {
    if (!Files.isDirectory(archiveDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(archiveDir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("audit-\\d{12}-\\d{12}\\.jsonl"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new NxsException(
          "cannot list audit archives in " + archiveDir + ": " + e.getMessage(), e);
    }
  }

  /** Work on one connection that only reads. */
  @FunctionalInterface
  private interface Read<T> {
    T apply(Connection c) throws SQLException;
  }

  /**
   * Runs a read on its own connection.
   *
   * @throws NxsException naming the database when it cannot be read
   */
  private <T> T read(Read<T> work) {
    try (Connection c = store.connect()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new NxsException(
          "cannot read the audit log in " + store.file() + ": " + e.getMessage(), e);
    }
  }

  /** Commits everything already appended, then stops the writer; safe to call twice. */
  @Override
  public void close() {
    writer.close();
  }
}
