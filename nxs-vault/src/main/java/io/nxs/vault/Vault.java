package io.nxs.vault;

import io.nxs.core.audit.AuditTrail;
import io.nxs.core.audit.CheckpointStore;
import io.nxs.core.ext.BackupSource;
import io.nxs.core.openclaw.OpenClawConfig;
import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.core.state.StateStore;
import io.nxs.vault.internal.BackupMaker;
import io.nxs.vault.internal.Catalog;
import io.nxs.vault.internal.Drill;
import io.nxs.vault.internal.Exporter;
import io.nxs.vault.internal.KeyResolver;
import io.nxs.vault.internal.Operations;
import io.nxs.vault.internal.Pruner;
import io.nxs.vault.internal.Repository;
import io.nxs.vault.internal.Restoration;
import io.nxs.vault.internal.Sources;
import io.nxs.vault.internal.TargetPool;
import io.nxs.vault.internal.VaultIndex;
import io.nxs.vault.internal.Verification;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The vault of one NXS home: backups of NXS's state and the agent's files into encrypted,
 * content-addressed repositories on every configured target, and everything done with them since.
 *
 * <p>A facade over the use-case services in {@code internal}: {@link BackupMaker}, {@link
 * Verification}, {@link Restoration}, {@link Pruner}, {@link Drill} and {@link Exporter}, which
 * share the {@link Catalog} of snapshots, the {@link TargetPool}, the {@link KeyResolver} and one
 * wrapper for what every operation records ({@link Operations}: timer, locks, audit entry, run
 * row). Usable by the daemon (through {@link VaultModule}) and by the CLI directly on a home while
 * the daemon is stopped. One operation runs at a time per vault; across processes the repository
 * locks keep changing operations apart.
 *
 * <p>Every operation is an audit event ({@code backup.*}) recorded under the vault's actor: {@code
 * nxs} for the daemon's own schedule, the calling API key's id through {@link #by}.
 */
public final class Vault {

  /** Where NXS's state database appears in a snapshot. */
  public static final String STATE_DB_PATH = Sources.STATE_DB_PATH;

  /** The actor of what the daemon does on its own schedule. */
  public static final String DAEMON = "nxs";

  private final VaultServices services;
  private final String actor;

  private Vault(VaultServices services, String actor) {
    this.services = services;
    this.actor = actor;
  }

  /**
   * Opens the vault of a home and migrates its tables.
   *
   * @param openclaw where OpenClaw lives, from the core {@code openclaw:} section
   * @param extraSources the backup sources other modules registered (read at each backup)
   */
  public static Vault open(
      Path home,
      VaultConfig config,
      OpenClawLayout openclaw,
      StateStore store,
      AuditTrail audit,
      Clock clock,
      Supplier<List<BackupSource>> extraSources) {
    store.migrate("vault");
    return new Vault(
        new VaultServices(
            home, config, openclaw, store, audit, clock, extraSources, System.getenv()),
        DAEMON);
  }

  /**
   * Opens the vault with no sources beyond NXS's own and the configured ones, OpenClaw where the
   * {@code openclaw:} section's default puts it.
   */
  public static Vault open(
      Path home, VaultConfig config, StateStore store, AuditTrail audit, Clock clock) {
    return open(
        home,
        config,
        new OpenClawLayout(OpenClawConfig.defaults().home()),
        store,
        audit,
        clock,
        List::of);
  }

  /**
   * The same vault, recording what it does under another actor.
   *
   * @param who an API key's id, or {@code cli} for a command run on the home directly
   */
  public Vault by(String who) {
    return new Vault(services, who);
  }

  /** Reads S3 credentials and the passphrase from these variables instead of the process's. */
  Vault environment(Map<String, String> variables) {
    services.close();
    VaultServices s = services;
    return new Vault(
        new VaultServices(
            s.home, s.config, s.openclaw, s.store, s.audit, s.clock, s.extraSources, variables),
        actor);
  }

  public VaultConfig config() {
    return services.config;
  }

  /** The key file, {@code keys/vault.key}. */
  public Path keyFile() {
    return services.keys.keyFile();
  }

  /** Closes the targets' connections and clones. */
  public void close() {
    services.close();
  }

  /**
   * Backs up now: NXS's state (online copy), config, keys except the vault key and the audit
   * archive, the registered and configured sources, OpenClaw's workspace and stores when enabled.
   *
   * @throws VaultException when no target took the snapshot (nothing is visible then)
   */
  public BackupResult create(Progress progress) {
    synchronized (services) {
      return services.backups.create(actor, progress);
    }
  }

  /**
   * The snapshots the targets hold, oldest first; the index is brought in line with the targets on
   * the way (a snapshot committed by a process killed before it updated the index appears here).
   */
  public List<SnapshotInfo> list() {
    synchronized (services) {
      return services.catalog.list();
    }
  }

  /**
   * The snapshot an argument names: an id, a unique id prefix, or {@code latest}.
   *
   * @throws SnapshotNotFoundException when none or several match
   */
  public SnapshotInfo find(String idOrLatest) {
    synchronized (services) {
      return services.catalog.find(idOrLatest);
    }
  }

  /**
   * Verifies snapshots on every target (SPEC VA2) and repairs what another target holds intact.
   *
   * @param which a snapshot id, {@code latest}, or {@code all} (also when null)
   * @param deep re-read and decrypt every blob instead of today's rotating sample
   */
  public VerifyReport verify(String which, boolean deep, Progress progress) {
    synchronized (services) {
      return services.verification.verify(actor, which, deep, progress);
    }
  }

  /**
   * Restores a snapshot, or one file or directory of it, into a directory that is absent or empty;
   * a failure (wrong key, damaged blob) leaves nothing.
   *
   * @param which a snapshot id or {@code latest}
   * @param to the directory; never the NXS home (use the recovery for the live state database)
   * @param file a path in the snapshot, e.g. {@code files/agent/MEMORY.md}; null for all
   */
  public RestoreResult restore(String which, Path to, String file, Progress progress) {
    synchronized (services) {
      return services.restoration.restore(actor, which, to, file, progress);
    }
  }

  /**
   * Applies the retention policy: removes the snapshots it does not keep, then the blobs no
   * remaining snapshot uses.
   *
   * @throws VaultException when another operation holds a lock, or a manifest cannot be read (then
   *     nothing is deleted)
   */
  public PruneResult prune(boolean dryRun) {
    synchronized (services) {
      return services.pruner.prune(actor, dryRun);
    }
  }

  /**
   * Runs a restore drill (SPEC VA7) of the newest snapshot into scratch, checking every file and
   * database and measuring the RTO.
   */
  public DrillResult drill(Progress progress) {
    synchronized (services) {
      return services.drill.drill(actor, progress);
    }
  }

  /** Writes the first target's repository, still encrypted, into one tar file (SPEC VA5). */
  public ExportResult export(Path file) {
    synchronized (services) {
      return services.exporter.export(actor, file);
    }
  }

  /**
   * Rotates the vault key (SPEC SEC5, ADR 0152): every target's key ring is re-wrapped under a new
   * {@code keys/vault.key}; with {@code newDataKey} (after a compromise) new snapshots also go
   * under a new data key. Older snapshots stay readable. Running it again after an interrupted
   * rotation finishes that rotation. Audited as {@code vault.key_rotated} with the reason.
   *
   * @throws VaultException when the reason is blank, a target is unreachable or locked
   */
  public KeyRotationResult rotateKey(String reason, boolean newDataKey) {
    synchronized (services) {
      return services.rotation.rotate(actor, reason, newDataKey);
    }
  }

  /**
   * The audit checkpoints on the targets, for {@code nxs audit verify} (ADR 0150): each backup
   * leaves the audit log's signed head on every target that took it.
   */
  public CheckpointStore checkpoints() {
    return services.checkpoints;
  }

  /** The newest snapshot that passed a verify, if any. */
  public Optional<SnapshotInfo> lastVerified() {
    return services.index.lastVerified();
  }

  /**
   * When the newest run of a kind ({@code backup}, {@code verify}, {@code drill}, ...) started; for
   * {@code verify}, only a verify of every snapshot counts.
   */
  public Optional<Instant> lastStarted(String kind) {
    return services.index.lastStarted(kind);
  }

  /** The index the health check reads. */
  VaultIndex index() {
    return services.index;
  }

  /** The reachable repositories, for tests that look inside them. */
  List<Repository> repositories() {
    return services.pool.repositories(services.keys.masters(true));
  }
}
