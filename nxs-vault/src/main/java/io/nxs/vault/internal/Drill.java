package io.nxs.vault.internal;

import io.nxs.core.Severity;
import io.nxs.vault.DrillResult;
import io.nxs.vault.Progress;
import io.nxs.vault.RestoreResult;
import io.nxs.vault.SnapshotInfo;
import io.nxs.vault.VaultException;
import io.nxs.vault.internal.Operations.Done;
import io.nxs.vault.internal.Operations.Event;
import io.nxs.vault.internal.Operations.Job;
import io.nxs.vault.internal.Operations.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A restore drill (SPEC VA7): restores the newest snapshot into a scratch directory under {@code
 * <home>/vault/drills}, checks every SQLite database in it, measures the time taken (the RTO),
 * records the figures, and removes the scratch. A drill that finds damage is a result, not an
 * error: its findings say what failed.
 */
public final class Drill {

  /** The recovery time objective a drill is measured against. */
  public static final Duration RTO = Duration.ofMinutes(15);

  private final Path home;
  private final Catalog catalog;
  private final Restoration restoration;
  private final Operations operations;

  public Drill(Path home, Catalog catalog, Restoration restoration, Operations operations) {
    this.home = home;
    this.catalog = catalog;
    this.restoration = restoration;
    this.operations = operations;
  }

  /** Runs a drill of the newest snapshot. */
  public DrillResult drill(String actor, Progress progress) {
    SnapshotInfo newest = catalog.find("latest");
    Path scratch = home.resolve("vault").resolve("drills").resolve(newest.id());
    return operations.run(
        new Job("drill", actor, "backup.drill_failed", newest.id()),
        run -> {
          LocalPaths.deleteTree(scratch);
          List<String> findings = new ArrayList<>();
          long files = 0;
          long bytes = 0;
          int databases = 0;
          try {
            RestoreResult restored =
                restoration.restore(actor, newest.id(), scratch, null, progress);
            files = restored.files();
            bytes = restored.bytes();
            try (Stream<Path> walk = Files.walk(scratch)) {
              for (Path p :
                  walk.filter(Files::isRegularFile).filter(SqliteCopy::isDatabase).toList()) {
                databases++;
                List<String> check = SqliteCopy.integrityCheck(p);
                if (!check.equals(List.of("ok"))) {
                  findings.add(
                      scratch.relativize(p)
                          + ": "
                          + String.join("; ", check.subList(0, Math.min(3, check.size()))));
                }
              }
            }
          } catch (VaultException | IOException e) {
            findings.add(e.getMessage());
          } finally {
            LocalPaths.deleteTree(scratch);
          }
          long millis = run.millis();
          long target = RTO.toMillis();
          DrillResult result =
              new DrillResult(
                  newest.id(),
                  findings.isEmpty(),
                  millis,
                  target,
                  files,
                  bytes,
                  databases,
                  findings);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("ok", result.ok());
          details.put("rto_millis", millis);
          details.put("rto_target_millis", target);
          details.put("files", files);
          details.put("bytes", bytes);
          details.put("databases", databases);
          details.put("findings", findings);
          return new Done<>(
              result,
              new Record(
                  new Event(
                      "backup.drill",
                      result.ok() && millis <= target ? Severity.INFO : Severity.HIGH,
                      newest.id(),
                      details),
                  result.ok(),
                  newest.id(),
                  result.ok() ? "rto " + millis + " ms" : String.join("; ", findings)));
        });
  }
}
