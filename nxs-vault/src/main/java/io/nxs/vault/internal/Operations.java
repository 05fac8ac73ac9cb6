package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The steps every vault operation shares, written once: the timer, the repositories' locks (all
 * released however the work ends), the audit entry and the row in {@code vault_runs}, for success
 * and for failure alike.
 *
 * <p>A use-case service hands {@link #run} its {@link Job} (what the run is called and who asked)
 * and its {@link Work}; the work takes the locks it needs through the {@link Run} it is given and
 * returns its result together with the {@link Record} to keep. When the work throws, the failure is
 * recorded under the job's failure event and rethrown as a {@link VaultException}.
 */
public final class Operations {

  private final VaultIndex index;
  private final AuditTrail audit;
  private final Clock clock;

  public Operations(VaultIndex index, AuditTrail audit, Clock clock) {
    this.index = index;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * What runs, for the records.
   *
   * @param kind the run's kind in {@code vault_runs}: backup, verify, restore, prune, drill, export
   * @param actor who asked: an API key's id, {@code cli}, or {@code nxs} for the daemon's schedule
   * @param failedEvent the audit event recorded when the work fails, e.g. {@code backup.failed}
   * @param subject the audit target of a failure (a snapshot id, a file)
   */
  public record Job(String kind, String actor, String failedEvent, String subject) {}

  /**
   * What a finished run leaves behind; {@link #NOTHING} for a run that changed nothing worth a
   * record (a dry run).
   *
   * @param event the audit event, its actor filled in by the wrapper
   * @param ok the run's outcome in {@code vault_runs}
   * @param snapshotId the snapshot it concerned, or null
   * @param detail one line for {@code vault_runs}
   * @param more further audit events to append after the main one (e.g. memory losses)
   */
  public record Record(
      Event event, boolean ok, String snapshotId, String detail, List<Event> more) {

    /** Records nothing. */
    public static final Record NOTHING = new Record(null, true, null, null, List.of());

    public Record(Event event, boolean ok, String snapshotId, String detail) {
      this(event, ok, snapshotId, detail, List.of());
    }
  }

  /** An audit event without its actor (the job's). */
  public record Event(String type, Severity severity, String target, Map<String, Object> details) {}

  /** A result and what to record about it. */
  public record Done<T>(T result, Record record) {}

  /** The work of one operation. */
  @FunctionalInterface
  public interface Work<T> {
    Done<T> run(Run run) throws IOException;
  }

  /** A run in progress: its start, its elapsed time, and the locks it holds. */
  public final class Run {
    private final Instant started = clock.instant();
    private final long t0 = System.nanoTime();
    private final String kind;
    private final List<RepositoryLock> locks = new ArrayList<>();

    private Run(String kind) {
      this.kind = kind;
    }

    /** When it started, on the vault's clock. */
    public Instant started() {
      return started;
    }

    /** Milliseconds since it started, on the monotonic timer. */
    public long millis() {
      return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Takes a lock on a repository, held until the run ends.
     *
     * @throws VaultException when a conflicting lock is held
     */
    public void lock(Repository repo, RepositoryLock.Kind lockKind) {
      locks.add(RepositoryLock.acquire(repo.target(), lockKind, kind, clock));
    }

    /** Takes the same lock on every repository. */
    public void lockAll(List<Repository> repos, RepositoryLock.Kind lockKind) {
      repos.forEach(r -> lock(r, lockKind));
    }

    private void release() {
      locks.forEach(RepositoryLock::close);
    }
  }

  /**
   * Runs the work, then records it: the audit event(s) and the run row on success, the job's
   * failure event and a failed run row when the work throws.
   *
   * @throws VaultException what the work threw, an {@link IOException} wrapped
   */
  public <T> T run(Job job, Work<T> work) {
    Run run = new Run(job.kind());
    Done<T> done;
    try {
      done = work.run(run);
    } catch (VaultException | IOException e) {
      String error = String.valueOf(e.getMessage());
      index.recordRun(job.kind(), run.started(), clock.instant(), false, null, run.millis(), error);
      audit.append(
          new AuditEvent(
              job.failedEvent(),
              Severity.HIGH,
              job.actor(),
              job.subject(),
              Map.of("error", error)));
      throw e instanceof VaultException ve
          ? ve
          : new VaultException(job.kind() + " failed: " + e.getMessage(), e);
    } finally {
      run.release();
    }
    Record r = done.record();
    if (r.event() != null) {
      append(job.actor(), r.event());
      r.more().forEach(e -> append(job.actor(), e));
      index.recordRun(
          job.kind(),
          run.started(),
          clock.instant(),
          r.ok(),
          r.snapshotId(),
          run.millis(),
          r.detail());
    }
    return done.result();
  }

  private void append(String actor, Event e) {
    audit.append(new AuditEvent(e.type(), e.severity(), actor, e.target(), e.details()));
  }
}
