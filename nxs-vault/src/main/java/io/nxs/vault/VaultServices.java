package io.nxs.vault;

import io.nxs.core.audit.AuditTrail;
import io.nxs.core.ext.BackupSource;
import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.core.state.StateStore;
import io.nxs.vault.internal.BackupMaker;
import io.nxs.vault.internal.Catalog;
import io.nxs.vault.internal.CheckpointKeeper;
import io.nxs.vault.internal.Drill;
import io.nxs.vault.internal.Exporter;
import io.nxs.vault.internal.KeyResolver;
import io.nxs.vault.internal.KeyRotation;
import io.nxs.vault.internal.MemoryGuard;
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
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The services of one vault, wired once and shared by its actor views ({@link Vault#by}); also the
 * monitor that keeps one operation at a time.
 */
final class VaultServices {
  final Path home;
  final VaultConfig config;
  final OpenClawLayout openclaw;
  final StateStore store;
  final AuditTrail audit;
  final Clock clock;
  final Supplier<List<BackupSource>> extraSources;
  final VaultIndex index;
  final TargetPool pool;
  final KeyResolver keys;
  final Catalog catalog;
  final BackupMaker backups;
  final Verification verification;
  final Restoration restoration;
  final Pruner pruner;
  final Drill drill;
  final Exporter exporter;
  final CheckpointKeeper checkpoints;
  final KeyRotation rotation;

  VaultServices(
      Path home,
      VaultConfig config,
      OpenClawLayout openclaw,
      StateStore store,
      AuditTrail audit,
      Clock clock,
      Supplier<List<BackupSource>> extraSources,
      Map<String, String> env) {
    this.home = home.toAbsolutePath().normalize();
    this.config = config;
    this.openclaw = openclaw;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.extraSources = extraSources;
    this.index = new VaultIndex(store);
    this.pool = new TargetPool(this.home, config.targets(), env);
    this.keys = new KeyResolver(config, this.home.resolve("keys").resolve("vault.key"), env, pool);
    Operations operations = new Operations(index, audit, clock);
    Supplier<List<Repository>> any = () -> pool.repositories(keys.masters(true));
    // Operations that read snapshots need the key that wrote them: never a new one.
    Supplier<List<Repository>> existing = () -> pool.repositories(keys.masters(false));
    this.catalog = new Catalog(index, any);
    this.backups =
        new BackupMaker(
            this.home,
            keys,
            pool,
            new Sources(this.home, config, store, extraSources, openclaw),
            new MemoryGuard(index),
            index,
            operations,
            audit,
            clock);
    this.checkpoints = new CheckpointKeeper(this.home, config.targets(), pool);
    this.verification = new Verification(catalog, existing, index, operations, clock);
    this.restoration = new Restoration(this.home, catalog, existing, operations);
    this.pruner = new Pruner(config.retention(), catalog, existing, index, operations);
    this.drill = new Drill(this.home, catalog, restoration, operations);
    this.exporter = new Exporter(existing, operations, clock);
    this.rotation = new KeyRotation(keys, pool, operations);
  }

  void close() {
    pool.close();
  }
}
