package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.vault.Progress;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.VaultException;
import io.nxs.vault.VerifyReport;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies snapshots on every target (SPEC VA2) with the {@link Verifier}, and repairs a damaged
 * object from another target that holds it intact. The outcome of each snapshot goes to the index
 * ({@code verified_at}, {@code verify_ok}), where the health check and the level-6 action read it.
 */
public final class Verification {

  private static final Logger LOG = LoggerFactory.getLogger(Verification.class);

  private final Catalog catalog;
  private final Supplier<List<Repository>> existing;
  private final VaultIndex index;
  private final Operations operations;
  private final Clock clock;

  /**
   * @param existing the reachable repositories, opened with the existing key only
   */
  public Verification(
      Catalog catalog,
      Supplier<List<Repository>> existing,
      VaultIndex index,
      Operations operations,
      Clock clock) {
    this.catalog = catalog;
    this.existing = existing;
    this.index = index;
    this.operations = operations;
    this.clock = clock;
  }

  /**
   * Verifies and repairs.
   *
   * @param which a snapshot id, {@code latest}, or {@code all} (also when null)
   * @param deep re-read and decrypt every blob instead of today's rotating sample
   */
  public VerifyReport verify(String actor, String which, boolean deep, Progress progress) {
    boolean all = which == null || which.equals("all");
    String subject = all ? "all" : which;
    List<String> ids =
        all
            ? catalog.list().stream().map(SnapshotInfo::id).toList()
            : List.of(catalog.find(which).id());
    return operations.run(
        new Job("verify", actor, "backup.verify_failed", subject),
        run -> {
          List<Repository> repos = existing.get();
          run.lockAll(repos, RepositoryLock.Kind.SHARED);
          List<VerifyReport.Problem> problems = new ArrayList<>();
          List<VerifyReport.Problem> repaired = new ArrayList<>();
          long blobs = 0;
          long blobsRead = 0;
          long bytesRead = 0;
          for (Repository repo : repos) {
            Set<String> held = Set.copyOf(repo.snapshotIds());
            List<String> here = ids.stream().filter(held::contains).toList();
            Verifier verifier =
                new Verifier(
                    repo, deep, run.started().atZone(ZoneOffset.UTC).toLocalDate(), progress);
            for (Verifier.SnapshotCheck check : verifier.check(here)) {
              for (VerifyReport.Problem p : check.problems()) {
                (repair(repo, repos, p) ? repaired : problems).add(p);
              }
            }
            blobs += verifier.blobsChecked();
            blobsRead += verifier.blobsRead();
            bytesRead += verifier.bytesRead();
          }
          Set<String> damaged = new HashSet<>();
          problems.forEach(p -> damaged.add(p.snapshot()));
          for (String id : ids) {
            index.markVerified(id, clock.instant(), !damaged.contains(id));
          }
          VerifyReport report =
              new VerifyReport(
                  problems.isEmpty(),
                  deep,
                  ids.size(),
                  blobs,
                  blobsRead,
                  bytesRead,
                  run.millis(),
                  problems,
                  repaired);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("ok", report.ok());
          details.put("deep", deep);
          details.put("snapshots", ids.size());
          details.put("blobs_read", blobsRead);
          details.put(
              "problems", problems.stream().limit(20).map(VerifyReport.Problem::describe).toList());
          details.put("repaired", repaired.size());
          return new Done<>(
              report,
              new Record(
                  new Event(
                      "backup.verify",
                      report.ok() ? Severity.INFO : Severity.HIGH,
                      subject,
                      details),
                  report.ok(),
                  all ? null : ids.getFirst(),
                  report.ok() ? "ok" : problems.size() + " problems"));
        });
  }

  /** Copies a good object from another target over a damaged one; true when it worked. */
  private static boolean repair(Repository damaged, List<Repository> all, VerifyReport.Problem p) {
    boolean manifest = p.path() == null;
    String name = p.object().substring(p.object().lastIndexOf('/') + 1);
    for (Repository other : all) {
      if (other == damaged) {
        continue;
      }
      try {
        if (manifest) {
          other.manifest(name);
          damaged.target().put(p.object(), other.target().get(p.object()));
        } else {
          byte[] sealed = other.getSealedBlob(name);
          byte[] plain = other.sealer().open(name, sealed);
          if (!HexFormat.of()
              .formatHex(other.sealer().namingMacOf(name, sealed).doFinal(plain))
              .equals(name)) {
            continue;
          }
          damaged.putSealedBlob(name, sealed);
        }
        return true;
      } catch (IOException | VaultException e) {
        LOG.info(
            "{} cannot be repaired from {}: {}",
            p.object(),
            other.target().describe(),
            e.getMessage());
      }
    }
    return false;
  }
}
