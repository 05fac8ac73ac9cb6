package io.nxs.vault.internal;

import io.nxs.core.ext.BackupSource;
import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.core.state.StateStore;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a backup reads (SPEC VA1): NXS's state database (an online copy), its config, keys (except
 * the vault key) and the audit archive; the backup sources other modules registered; the configured
 * directories; and OpenClaw's workspace and SQLite stores when enabled. Databases are staged as
 * consistent copies first; everything else is read in place.
 */
public final class Sources {

  /** Where NXS's state database appears in a snapshot. */
  public static final String STATE_DB_PATH = "nxs/state.db";

  private static final Set<String> RESERVED = Set.of("nxs", "files", "openclaw");

  private final Path home;
  private final VaultConfig config;
  private final StateStore store;
  private final Supplier<List<BackupSource>> registered;
  private final OpenClawLayout openclaw;

  /**
   * @param registered the backup sources other modules registered (read at each backup)
   * @param openclaw OpenClaw's layout from the core {@code openclaw:} section (the deprecated
   *     {@code vault.openclaw_home} wins when set)
   */
  public Sources(
      Path home,
      VaultConfig config,
      StateStore store,
      Supplier<List<BackupSource>> registered,
      OpenClawLayout openclaw) {
    this.home = home;
    this.config = config;
    this.store = store;
    this.registered = registered;
    this.openclaw = openclaw;
  }

  /**
   * Stages the databases under {@code staging} and returns every tree the snapshot reads.
   *
   * @throws VaultException when a registered source uses a reserved name or a database cannot be
   *     copied
   */
  public List<SourceTree> stage(Path staging) throws IOException {
    List<SourceTree> trees = new ArrayList<>();
    Path nxs = Files.createDirectories(staging.resolve("nxs"));
    try (Connection c = store.connect()) {
      SqliteCopy.copy(c, nxs.resolve("state.db"));
    } catch (SQLException e) {
      throw new VaultException("cannot open the state database to copy it: " + e.getMessage(), e);
    }
    trees.add(SourceTree.all("nxs", nxs));
    trees.add(
        new SourceTree(
            "nxs",
            home,
            List.of("nxs.yaml", "secrets.yaml", "rules/**", "keys/**", "audit/archive/**"),
            List.of("keys/vault.key", "keys/vault.key.old", "keys/.*")));
    for (BackupSource source : registered.get()) {
      if (RESERVED.contains(source.name())) {
        throw new VaultException(
            "backup source '" + source.name() + "' uses a reserved name (" + RESERVED + ")");
      }
      Path dir = Files.createDirectories(staging.resolve("ext").resolve(source.name()));
      source.exportTo(dir);
      trees.add(SourceTree.all(source.name(), dir));
    }
    Map<String, Integer> names = new HashMap<>();
    for (VaultConfig.Source s : config.sources()) {
      Path root = LocalPaths.resolve(home, s.path());
      String base = root.getFileName() == null ? "root" : root.getFileName().toString();
      int n = names.merge(base, 1, Integer::sum);
      trees.add(
          new SourceTree(
              "files/" + (n == 1 ? base : base + "-" + n), root, s.include(), s.exclude()));
    }
    Path stateDir =
        config.openclawHome() != null
            ? LocalPaths.resolve(home, config.openclawHome())
            : openclaw.home();
    boolean withOpenclaw =
        config.openclaw() != null ? config.openclaw() : Files.isDirectory(stateDir);
    if (withOpenclaw) {
      trees.addAll(OpenClawSources.of(new OpenClawLayout(stateDir)).stage(staging));
    }
    return trees;
  }
}
