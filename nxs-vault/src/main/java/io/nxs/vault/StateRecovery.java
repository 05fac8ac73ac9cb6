package io.nxs.vault;

import io.nxs.core.NxsException;
import io.nxs.vault.internal.Catalog;
import io.nxs.vault.internal.KeyResolver;
import io.nxs.vault.internal.LocalPaths;
import io.nxs.vault.internal.Repository;
import io.nxs.vault.internal.Restorer;
import io.nxs.vault.internal.SqliteCopy;
import io.nxs.vault.internal.Target;
import io.nxs.vault.internal.Targets;
import io.nxs.vault.internal.VaultKey;
import io.nxs.vault.internal.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Repairs a corrupt {@code state.db} from the newest good snapshot (SPEC VA8), without the state
 * database: the vault's index lives in it, so this reads the repositories directly.
 *
 * <p>"Good" means the snapshot's manifest opens and its state database blobs pass a deep check
 * (decrypt, hash) and the restored file passes {@code PRAGMA integrity_check}. The corrupt file
 * (and its WAL and shared-memory files) is moved aside, never deleted; then the restored copy is
 * moved into place. Changes made after the snapshot are lost, and the result says since when.
 */
public final class StateRecovery {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(StateRecovery.class);

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path home;
  private final VaultConfig config;
  private final Clock clock;
  private final Map<String, String> env;

  public StateRecovery(Path home, VaultConfig config, Clock clock) {
    this(home, config, clock, System.getenv());
  }

  StateRecovery(Path home, VaultConfig config, Clock clock, Map<String, String> env) {
    this.home = home.toAbsolutePath().normalize();
    this.config = config;
    this.clock = clock;
    this.env = Map.copyOf(env);
  }

  /**
   * What a recovery did.
   *
   * @param snapshot the snapshot state.db came from
   * @param snapshotTime when it was taken: changes after it are lost
   * @param movedAside where the corrupt file now is
   * @param skipped newer snapshots passed over because they were damaged
   */
  public record Recovered(
      String snapshot, Instant snapshotTime, Path movedAside, List<String> skipped) {}

  /** The newest snapshot on any target, without checking it; empty when there is none. */
  public Optional<String> newestSnapshot() {
    try {
      List<String> ids = new ArrayList<>();
      for (Repository repo : repositories()) {
        ids.addAll(repo.snapshotIds());
      }
      return ids.stream().max(String::compareTo);
    } catch (IOException | VaultException e) {
      LOG.warn("no snapshot can be listed: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Replaces {@code state.db} with the newest good snapshot's copy. The daemon must be stopped.
   *
   * @throws VaultException when no snapshot holds a good copy (then nothing was changed)
   */
  public Recovered recover(Path stateDb, Progress progress) {
    List<Repository> repos = repositories();
    List<String> ids = new ArrayList<>();
    try {
      for (Repository repo : repos) {
        for (String id : repo.snapshotIds()) {
          if (!ids.contains(id)) {
            ids.add(id);
          }
        }
      }
    } catch (IOException e) {
      throw new VaultException("cannot list the snapshots: " + e.getMessage(), e);
    }
    ids.sort(java.util.Comparator.reverseOrder());
    if (ids.isEmpty()) {
      throw new VaultException(
          "there is no snapshot to recover "
              + stateDb
              + " from: NXS cannot start on a corrupt"
              + " database; move it aside to start with empty state");
    }
    List<String> skipped = new ArrayList<>();
    Path scratch = home.resolve("vault").resolve("recovery-" + STAMP.format(clock.instant()));
    try {
      for (String id : ids) {
        LocalPaths.deleteTree(scratch);
        Files.createDirectories(scratch);
        try {
          Manifest m = Catalog.readManifest(repos, id);
          List<Manifest.Entry> entries =
              m.entries().stream().filter(e -> e.path().equals(Vault.STATE_DB_PATH)).toList();
          if (entries.isEmpty()) {
            skipped.add(id + ": holds no state.db");
            continue;
          }
          checkDeep(repos, m);
          new Restorer(repos, progress).restore(m, entries, scratch);
          Path restored = scratch.resolve(Vault.STATE_DB_PATH);
          List<String> check = SqliteCopy.integrityCheck(restored);
          if (!check.equals(List.of("ok"))) {
            skipped.add(id + ": integrity check " + check);
            continue;
          }
          Path aside = moveAside(stateDb);
          Files.move(restored, stateDb, StandardCopyOption.ATOMIC_MOVE);
          return new Recovered(id, m.createdAt(), aside, skipped);
        } catch (VaultException e) {
          skipped.add(id + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new VaultException("recovery failed: " + e.getMessage(), e);
    } finally {
      LocalPaths.deleteTree(scratch);
    }
    throw new VaultException(
        "no snapshot holds a good copy of state.db ("
            + String.join("; ", skipped)
            + "); nothing was changed");
  }

  private void checkDeep(List<Repository> repos, Manifest m) {
    for (Repository repo : repos) {
      Verifier v = new Verifier(repo, true, LocalDate.now(clock), Progress.NONE);
      List<Verifier.SnapshotCheck> checks = v.check(List.of(m.id()));
      boolean stateOk =
          checks.stream()
              .flatMap(c -> c.problems().stream())
              .noneMatch(p -> p.path() == null || p.path().equals(Vault.STATE_DB_PATH));
      if (stateOk) {
        return;
      }
    }
    throw new VaultException("state.db is damaged in snapshot " + m.id() + " on every target");
  }

  private Path moveAside(Path stateDb) throws IOException {
    String stamp = STAMP.format(clock.instant());
    Path aside = stateDb.resolveSibling(stateDb.getFileName() + ".corrupt-" + stamp);
    if (Files.exists(stateDb)) {
      Files.move(stateDb, aside, StandardCopyOption.ATOMIC_MOVE);
    }
    for (String suffix : List.of("-wal", "-shm")) {
      Path side = stateDb.resolveSibling(stateDb.getFileName() + suffix);
      if (Files.exists(side)) {
        Files.move(
            side,
            aside.resolveSibling(aside.getFileName() + suffix),
            StandardCopyOption.ATOMIC_MOVE);
      }
    }
    return aside;
  }

  private List<Repository> repositories() {
    List<Target> targets = new ArrayList<>();
    for (VaultConfig.Target t : config.targets()) {
      if (t.type().equals("local") && !Files.isDirectory(LocalPaths.resolve(home, t.path()))) {
        continue;
      }
      try {
        targets.add(Targets.open(t, home, p -> LocalPaths.resolve(home, p), env));
      } catch (NxsException e) {
        // Unreachable: the other targets may hold a good snapshot.
        LOG.warn("vault target {} left out of the recovery: {}", t.where(), e.getMessage());
      }
    }
    List<VaultKey> masters = new ArrayList<>();
    if (config.passphraseEnv() != null) {
      masters.add(KeyResolver.passphraseKey(config, env, targets));
    } else {
      Path keyFile = home.resolve("keys").resolve("vault.key");
      if (!Files.exists(keyFile)) {
        throw new VaultException(
            "there is no vault key at " + keyFile + ": without it no snapshot can be read");
      }
      masters.add(VaultKey.load(keyFile));
      // A rotation left unfinished keeps the previous key beside it (ADR 0152).
      Path previous = keyFile.resolveSibling("vault.key.old");
      if (Files.exists(previous)) {
        masters.add(VaultKey.load(previous));
      }
    }
    Repository.Opened opened = Repository.openAll(targets, masters);
    opened
        .unreachable()
        .forEach(
            (where, why) -> LOG.warn("vault target {} left out of the recovery: {}", where, why));
    return opened.repositories();
  }
}
