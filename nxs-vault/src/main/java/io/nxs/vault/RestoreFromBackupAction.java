package io.nxs.vault;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.ext.HealingAction;
import io.nxs.core.state.StateStore;
import io.nxs.vault.internal.LocalPaths;
import io.nxs.vault.internal.SqliteCopy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The level-6 healing action (SPEC DR6, VA8) {@code vault.restore_from_backup}: replaces the live
 * state database's content with the newest verified snapshot's copy, safely under a running daemon.
 * The snapshot's copy is restored into a scratch directory and integrity-checked, the current
 * database is copied aside (kept), then SQLite's backup API writes the good copy into the live
 * database ({@code restore from}), under SQLite's own locks, so no connection ever sees a
 * half-replaced file. Waits for an operator's approval (level 6).
 */
final class RestoreFromBackupAction implements HealingAction {

  static final String NAME = "vault.restore_from_backup";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Vault vault;
  private final Path home;
  private final StateStore store;
  private final AuditTrail audit;
  private final Clock clock;

  RestoreFromBackupAction(Vault vault, Path home, StateStore store, AuditTrail audit, Clock clock) {
    this.vault = vault;
    this.home = home;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int level() {
    return 6;
  }

  @Override
  public String description() {
    return "restore the state database from the newest verified backup (the current one is kept)";
  }

  @Override
  public Outcome execute(String target, boolean dryRun) {
    SnapshotInfo snapshot;
    try {
      snapshot =
          target == null || target.isBlank()
              ? vault.lastVerified().orElseGet(() -> vault.find("latest"))
              : vault.find(target);
    } catch (VaultException e) {
      return new Outcome(false, e.getMessage());
    }
    if (dryRun) {
      return new Outcome(
          true,
          "would restore state.db from snapshot "
              + snapshot.id()
              + " (taken "
              + snapshot.createdAt()
              + "); changes since then would be lost; the current database is kept aside");
    }
    Path scratch = home.resolve("vault").resolve("heal-" + snapshot.id());
    try {
      LocalPaths.deleteTree(scratch);
      vault.restore(snapshot.id(), scratch, Vault.STATE_DB_PATH, Progress.NONE);
      Path good = scratch.resolve(Vault.STATE_DB_PATH);
      List<String> check = SqliteCopy.integrityCheck(good);
      if (!check.equals(List.of("ok"))) {
        return new Outcome(
            false, "snapshot " + snapshot.id() + "'s state.db fails its integrity check: " + check);
      }
      Path aside =
          store
              .file()
              .resolveSibling(
                  store.file().getFileName() + ".before-restore-" + STAMP.format(clock.instant()));
      Files.copy(store.file(), aside);
      try (Connection c = store.connect();
          Statement s = c.createStatement()) {
        // sqlite-jdbc's "restore from" drives SQLite's online backup API into this connection's db.
        s.executeUpdate(
            "restore from \"" + good.toAbsolutePath().toString().replace("\"", "\"\"") + "\"");
      }
      store.checkIntegrity();
      String detail =
          "restored state.db from snapshot "
              + snapshot.id()
              + " (taken "
              + snapshot.createdAt()
              + "); the previous file is kept at "
              + aside
              + "; restart NXS so every module reloads";
      audit.append(
          new AuditEvent(
              "backup.recover",
              Severity.HIGH,
              "nxs",
              snapshot.id(),
              Map.of("kept", aside.toString(), "snapshot_time", snapshot.createdAt().toString())));
      return new Outcome(true, detail);
    } catch (VaultException | IOException | SQLException e) {
      return new Outcome(
          false, "restore from snapshot " + snapshot.id() + " failed: " + e.getMessage());
    } finally {
      LocalPaths.deleteTree(scratch);
    }
  }
}
