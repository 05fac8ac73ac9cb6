package io.nxs.audit.internal;

import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * Group commit for audit appends: callers enqueue and block; one writer thread takes everything
 * queued (up to {@link #MAX_BATCH}) and commits it in one SQLite transaction.
 *
 * <p>Design notes. The transaction starts with {@code BEGIN IMMEDIATE}, which takes SQLite's write
 * lock up front, and the chain tip is read from {@code audit_head} inside it: another process (the
 * CLI appends too) or another {@code AuditLog} on the same file therefore can never interleave
 * between reading the tip and writing after it. The last entry of the batch is signed; its hash
 * covers every earlier entry through the prev_hash links, so one signature per commit covers all.
 * {@code audit_head} is rewritten in the same transaction. Callers are released only after {@code
 * COMMIT} returned, and the store runs {@code synchronous=FULL} in WAL mode, so an acknowledged
 * append survives a SIGKILL or power loss.
 */
public final class GroupCommitWriter implements AutoCloseable {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Most entries committed in one transaction. */
  public static final int MAX_BATCH = 512;

  /**
   * An event waiting to be written, already canonicalized by the calling thread; or, with {@code
   * handOverTo}, a key rotation whose entry the writer composes at commit time (it alone knows the
   * key being retired then).
   */
  public record Pending(
      long timestampMillis,
      String type,
      String severity,
      String actor,
      String target,
      String details,
      SigningKeys handOverTo,
      CompletableFuture<Long> done) {

    public Pending(
        long timestampMillis,
        String type,
        String severity,
        String actor,
        String target,
        String details,
        CompletableFuture<Long> done) {
      this(timestampMillis, type, severity, actor, target, details, null, done);
    }
  }

  private static final Pending STOP = new Pending(0, "", "", "", "", "", new CompletableFuture<>());

  private final StateStore store;
  private final Function<String, SigningKeys> reload;
  private volatile SigningKeys keys;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final Thread thread;
  private boolean closed;
  private Connection connection;

  /**
   * @param keys the key pair the log is signed with now
   * @param reload the pair for a key id the audit head names after another process rotated the key
   */
  public GroupCommitWriter(
      StateStore store, SigningKeys keys, Function<String, SigningKeys> reload, String name) {
    this.store = store;
    this.keys = keys;
    this.reload = reload;
    this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    thread.start();
  }

  /**
   * Queues an entry and blocks until its transaction committed.
   *
   * @return the entry's seq
   * @throws NxsException when the log is closed or the commit failed
   */
  public long append(Pending pending) {
    gate.readLock().lock();
    try {
      if (closed) {
        throw new NxsException("the audit log is closed: cannot record " + pending.type());
      }
      queue.add(pending);
    } finally {
      gate.readLock().unlock();
    }
    return await(pending);
  }

  private static long await(Pending pending) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return pending.done().get();
        } catch (InterruptedException e) {
          // The entry is already queued and will be committed; an append cannot be taken back,
          // so wait for the outcome and restore the interrupt afterwards.
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof NxsException nxs) {
            throw new NxsException(nxs.getMessage(), nxs);
          }
          throw new NxsException(
              "recording audit event " + pending.type() + " failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    boolean stopping = false;
    while (!stopping) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        // Only close() stops the writer, through STOP; keep draining.
        continue;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      if (batch.getLast() == STOP) {
        batch.removeLast();
        stopping = true;
      }
      commitSplitAtHandOvers(batch);
      batch.clear();
    }
    closeConnection();
  }

  /** The key pair that signs the next commit. */
  public SigningKeys keys() {
    return keys;
  }

  /** Uses {@code current} from now on (the caller found the log is signed with it). */
  public void adopt(SigningKeys current) {
    keys = current;
  }

  /**
   * Commits a key hand-over alone, signed by the key it retires, and signs everything after it with
   * {@code next}.
   *
   * @return the hand-over entry's seq
   */
  public long handOver(long timestampMillis, String actor, String reason, SigningKeys next) {
    return append(
        new Pending(
            timestampMillis,
            KeyRing.ROTATED,
            io.nxs.core.Severity.MEDIUM.label(),
            actor,
            next.id(),
            reason,
            next,
            new CompletableFuture<>()));
  }

  /** A hand-over is its own transaction: the entries before it and after it commit apart. */
  private void commitSplitAtHandOvers(List<Pending> batch) {
    List<Pending> run = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.handOverTo() == null) {
        run.add(p);
        continue;
      }
      if (!run.isEmpty()) {
        commit(run);
        run = new ArrayList<>();
      }
      commit(List.of(p));
    }
    if (!run.isEmpty()) {
      commit(run);
    }
  }

  private void commit(List<Pending> batch) {
    long[] seqs = new long[batch.size()];
    try {
      if (connection == null) {
        connection = store.connect();
      }
      try (Statement s = connection.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        try {
          write(batch, seqs);
          s.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
          rollback(s);
          throw e;
        }
      }
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      NxsException failure =
          new NxsException(
              "cannot record audit events in " + store.file() + ": " + e.getMessage(), e);
      batch.forEach(p -> p.done().completeExceptionally(failure));
      return;
    }
    SigningKeys next = batch.getFirst().handOverTo();
    if (next != null) {
      keys = next;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).done().complete(seqs[i]);
    }
  }

  private void write(List<Pending> batch, long[] seqs) throws SQLException {
    long seq = 0;
    byte[] prev = EntryCodec.unhex(EntryCodec.GENESIS);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT seq, hash, key_id FROM audit_head WHERE id = 1")) {
      if (rs.next()) {
        seq = rs.getLong(1);
        prev = EntryCodec.unhex(rs.getString(2));
        String signingKey = rs.getString(3);
        if (signingKey != null && !signingKey.equals(keys.id())) {
          keys = reload.apply(signingKey); // another process rotated the key
        }
      }
    }
    SigningKeys next = batch.getFirst().handOverTo();
    if (next != null) {
      batch = List.of(composeHandOver(batch.getFirst(), next));
    }
    String lastHash = null;
    String signature = null;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO audit_entries (seq, ts_millis, event_type, severity, actor, target,"
                + " details, prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < batch.size(); i++) {
        Pending p = batch.get(i);
        seq++;
        byte[] hash =
            EntryCodec.hash(
                seq,
                p.timestampMillis(),
                p.type(),
                p.severity(),
                p.actor(),
                p.target(),
                p.details(),
                prev);
        lastHash = EntryCodec.hex(hash);
        signature = i == batch.size() - 1 ? keys.sign("entry", hash) : null;
        ps.setLong(1, seq);
        ps.setLong(2, p.timestampMillis());
        ps.setString(3, p.type());
        ps.setString(4, p.severity());
        ps.setString(5, p.actor());
        ps.setString(6, p.target());
        ps.setString(7, p.details());
        ps.setString(8, EntryCodec.hex(prev));
        ps.setString(9, lastHash);
        ps.setString(10, signature);
        ps.addBatch();
        seqs[i] = seq;
        prev = hash;
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO audit_head (id, seq, hash, signature, key_id) VALUES (1, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,"
                + " signature = excluded.signature, key_id = excluded.key_id")) {
      ps.setLong(1, seq);
      ps.setString(2, lastHash);
      ps.setString(3, signature);
      ps.setString(4, next != null ? next.id() : keys.id());
      ps.executeUpdate();
    }
  }

  /**
   * The hand-over entry: the retired and the new public key, the new key's signature over the
   * retired one ({@link KeyRing}), the reason. The caller's {@code details} holds the reason.
   */
  private Pending composeHandOver(Pending request, SigningKeys next) {
    String retired = keys.publicKeyBase64();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", request.details());
    details.put("previous_key", retired);
    details.put("previous_key_id", keys.id());
    details.put("key", next.publicKeyBase64());
    details.put("key_id", next.id());
    details.put("handover", next.sign(KeyRing.HANDOVER_DOMAIN, KeyRing.digest(retired)));
    return new Pending(
        request.timestampMillis(),
        request.type(),
        request.severity(),
        request.actor(),
        request.target(),
        EntryCodec.canonicalDetails(details),
        next,
        request.done());
  }

  private static void rollback(Statement s) {
    try {
      s.execute("ROLLBACK");
    } catch (SQLException e) {
      // The transaction is gone already (SQLite rolls back on some errors by itself).
      LOG.debug("audit rollback found no transaction: {}", e.getMessage());
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Nothing left to flush: every commit already returned.
        LOG.warn("closing the audit writer's connection failed: {}", e.getMessage());
      }
      connection = null;
    }
  }

  /** Commits everything queued so far, then stops the writer; safe to call twice. */
  @Override
  public void close() {
    gate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    } finally {
      gate.writeLock().unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
