package io.nxs.vault;

import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.ext.BackupSource;
import io.nxs.core.state.SecureFiles;
import io.nxs.core.state.StateStore;
import io.nxs.vault.BackupResult.MemoryLoss;
import io.nxs.vault.internal.HostName;
import io.nxs.vault.internal.Repository;
import io.nxs.vault.internal.RepositoryLock;
import io.nxs.vault.internal.Restorer;
import io.nxs.vault.internal.RetentionRule;
import io.nxs.vault.internal.SnapshotWriter;
import io.nxs.vault.internal.SourceTree;
import io.nxs.vault.internal.SqliteCopy;
import io.nxs.vault.internal.Target;
import io.nxs.vault.internal.Targets;
import io.nxs.vault.internal.VaultIndex;
import io.nxs.vault.internal.VaultKey;
import io.nxs.vault.internal.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The vault of one NXS home: backups of NXS's state and the agent's files into encrypted,
 * content-addressed repositories on every configured target, and everything done with them since.
 *
 * <p>Usable by the daemon (through {@link VaultModule}) and by the CLI directly on a home while the
 * daemon is stopped. Operations that change a repository hold its lock ({@link RepositoryLock}).
 * Every operation is an audit event ({@code backup.*}) and a row in {@code vault_runs}.
 */
public final class Vault {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Vault.class);

  /** Snapshot paths of NXS's own files. */
  public static final String STATE_DB_PATH = "nxs/state.db";

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> RESERVED = Set.of("nxs", "files", "openclaw");
  private static final List<String> OPENCLAW_WORKSPACE =
      List.of(
          "MEMORY.md",
          "memory/*.md",
          "AGENTS.md",
          "SOUL.md",
          "USER.md",
          "IDENTITY.md",
          "skills/**",
          "DECISION-LOG.md");

  final Path home;
  final VaultConfig config;
  final StateStore store;
  final AuditTrail audit;
  final Clock clock;
  final VaultIndex index;
  private final Supplier<List<BackupSource>> extraSources;
  private final Path keyFile;
  private final Map<VaultConfig.Target, Target> openTargets = new HashMap<>();
  private Map<String, String> env = System.getenv();
  private VaultKey key;

  private Vault(
      Path home,
      VaultConfig config,
      StateStore store,
      AuditTrail audit,
      Clock clock,
      Supplier<List<BackupSource>> extraSources) {
    this.home = home.toAbsolutePath().normalize();
    this.config = config;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.extraSources = extraSources;
    this.index = new VaultIndex(store);
    this.keyFile = this.home.resolve("keys").resolve("vault.key");
  }

  /**
   * Opens the vault of a home and migrates its tables.
   *
   * @param extraSources the backup sources other modules registered (read at each backup)
   */
  public static Vault open(
      Path home,
      VaultConfig config,
      StateStore store,
      AuditTrail audit,
      Clock clock,
      Supplier<List<BackupSource>> extraSources) {
    store.migrate("vault");
    return new Vault(home, config, store, audit, clock, extraSources);
  }

  /** Opens the vault with no sources beyond NXS's own and the configured ones. */
  public static Vault open(
      Path home, VaultConfig config, StateStore store, AuditTrail audit, Clock clock) {
    return open(home, config, store, audit, clock, List::of);
  }

  public VaultConfig config() {
    return config;
  }

  /** Reads S3 credentials and the passphrase from these variables instead of the process's. */
  Vault environment(Map<String, String> variables) {
    this.env = Map.copyOf(variables);
    return this;
  }

  /** Closes the targets' connections and clones. */
  public synchronized void close() {
    openTargets.values().forEach(Target::close);
    openTargets.clear();
  }

  /** The key file, {@code keys/vault.key}. */
  public Path keyFile() {
    return keyFile;
  }

  /**
   * Backs up now: NXS's state (online copy), config and keys except the vault key, the registered
   * and configured sources, OpenClaw's workspace and stores when enabled.
   *
   * @throws VaultException when no target took the snapshot (nothing is visible then)
   */
  public synchronized BackupResult create(Progress progress) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    String id =
        ID_TIME.format(started)
            + "-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path staging = home.resolve("vault").resolve("staging").resolve(id);
    List<RepositoryLock> locks = new ArrayList<>();
    try {
      // A target that cannot be opened or locked is reported; the others still get the snapshot.
      Map<String, String> unreachable = new LinkedHashMap<>();
      List<Repository> repos = new ArrayList<>();
      key(true);
      for (VaultConfig.Target t : config.targets()) {
        try {
          Repository repo = repository(t);
          locks.add(
              RepositoryLock.acquire(repo.target(), RepositoryLock.Kind.SHARED, "backup", clock));
          repo.target().removeLeftovers(started.minus(Duration.ofHours(1)));
          repos.add(repo);
        } catch (WrongKeyException e) {
          throw e;
        } catch (NxsException | IOException e) {
          unreachable.put(describe(t), e.getMessage());
        }
      }
      if (repos.isEmpty()) {
        throw new VaultException("no target could take the backup: " + unreachable);
      }
      removeOldStaging(started);
      List<SourceTree> trees = sources(staging);
      SnapshotWriter.Written writtenHere =
          new SnapshotWriter(repos, progress)
              .write(id, started, HostName.get(), trees, parent(repos));
      Map<String, String> failed = new LinkedHashMap<>(unreachable);
      failed.putAll(writtenHere.failedTargets());
      SnapshotWriter.Written written =
          new SnapshotWriter.Written(
              writtenHere.manifest(),
              writtenHere.addedBlobs(),
              writtenHere.addedBytes(),
              writtenHere.committedTo(),
              failed);
      Manifest m = written.manifest();
      SnapshotInfo info =
          new SnapshotInfo(
              id,
              started,
              m.files().size(),
              m.bytes(),
              written.addedBlobs(),
              written.addedBytes(),
              written.committedTo(),
              null,
              null);
      index.putSnapshot(info);
      Map<String, Long> memory = memorySizes(m);
      List<MemoryLoss> losses = memoryLosses(index.memorySizesBefore(id), memory);
      index.putMemorySizes(id, memory);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("snapshot", id);
      details.put("files", info.files());
      details.put("bytes", info.bytes());
      details.put("added_bytes", info.addedBytes());
      details.put("millis", millis);
      details.put("targets", written.committedTo());
      if (!written.failedTargets().isEmpty()) {
        details.put("failed_targets", written.failedTargets());
      }
      audit.append(
          new AuditEvent(
              "backup.create",
              written.failedTargets().isEmpty() ? Severity.INFO : Severity.HIGH,
              "nxs",
              id,
              details));
      for (MemoryLoss loss : losses) {
        audit.append(
            new AuditEvent(
                "backup.memory_loss",
                Severity.HIGH,
                "nxs",
                loss.path(),
                Map.of("snapshot", id, "previous_size", loss.previousSize(), "size", loss.size())));
      }
      index.recordRun(
          "backup",
          started,
          clock.instant(),
          true,
          id,
          millis,
          written.failedTargets().isEmpty() ? "ok" : "failed targets: " + written.failedTargets());
      return new BackupResult(info, millis, written.failedTargets(), losses);
    } catch (VaultException | IOException e) {
      long millis = (System.nanoTime() - t0) / 1_000_000;
      index.recordRun("backup", started, clock.instant(), false, null, millis, e.getMessage());
      audit.append(
          new AuditEvent(
              "backup.failed",
              Severity.HIGH,
              "nxs",
              id,
              Map.of("error", String.valueOf(e.getMessage()))));
      throw e instanceof VaultException ve
          ? ve
          : new VaultException("backup failed: " + e.getMessage(), e);
    } finally {
      locks.forEach(RepositoryLock::close);
      deleteTree(staging);
    }
  }

  /**
   * The snapshots the targets hold, oldest first; the index is brought in line with the targets on
   * the way (a snapshot committed by a process killed before it updated the index appears here).
   */
  public synchronized List<SnapshotInfo> list() {
    Map<String, List<String>> onTargets = new LinkedHashMap<>();
    Map<String, Repository> holder = new HashMap<>();
    for (Repository repo : repositories()) {
      try {
        for (String id : repo.snapshotIds()) {
          onTargets.computeIfAbsent(id, k -> new ArrayList<>()).add(repo.target().describe());
          holder.putIfAbsent(id, repo);
        }
      } catch (IOException e) {
        throw new VaultException(
            "cannot list snapshots at " + repo.target().describe() + ": " + e.getMessage(), e);
      }
    }
    Map<String, SnapshotInfo> indexed = new HashMap<>();
    for (SnapshotInfo s : index.snapshots()) {
      if (!onTargets.containsKey(s.id())) {
        index.deleteSnapshot(s.id());
      } else {
        indexed.put(s.id(), s);
      }
    }
    for (Map.Entry<String, List<String>> e : onTargets.entrySet()) {
      SnapshotInfo s = indexed.get(e.getKey());
      if (s == null || !s.targets().equals(e.getValue())) {
        SnapshotInfo info = s;
        if (info == null) {
          info = infoFromManifest(holder.get(e.getKey()), e.getKey(), e.getValue());
        }
        index.putSnapshot(
            new SnapshotInfo(
                info.id(),
                info.createdAt(),
                info.files(),
                info.bytes(),
                info.addedBlobs(),
                info.addedBytes(),
                e.getValue(),
                null,
                null));
      }
    }
    return index.snapshots();
  }

  /**
   * The snapshot an argument names: an id, a unique id prefix, or {@code latest}.
   *
   * @throws VaultException when none or several match
   */
  public SnapshotInfo find(String idOrLatest) {
    List<SnapshotInfo> all = list();
    if (all.isEmpty()) {
      throw new SnapshotNotFoundException("there are no snapshots yet: run 'nxs backup create'");
    }
    if (idOrLatest == null || idOrLatest.equals("latest")) {
      return all.getLast();
    }
    List<SnapshotInfo> match = all.stream().filter(s -> s.id().startsWith(idOrLatest)).toList();
    if (match.isEmpty()) {
      throw new SnapshotNotFoundException(
          "no snapshot '" + idOrLatest + "': 'nxs backup list' shows the ids");
    }
    if (match.size() > 1) {
      throw new SnapshotNotFoundException(
          "'" + idOrLatest + "' matches " + match.size() + " snapshots: give more of the id");
    }
    return match.getFirst();
  }

  private SnapshotInfo infoFromManifest(Repository repo, String id, List<String> targets) {
    try {
      Manifest m = repo.manifest(id);
      return new SnapshotInfo(
          id, m.createdAt(), m.files().size(), m.bytes(), 0, 0, targets, null, null);
    } catch (IOException | VaultException e) {
      // Listed all the same, so verify can name it as damaged.
      return new SnapshotInfo(id, Instant.EPOCH, 0, 0, 0, 0, targets, null, null);
    }
  }

  /** The newest snapshot of the first target that can be read, as the parent of the next. */
  private static Manifest parent(List<Repository> repos) {
    for (Repository repo : repos) {
      try {
        List<String> ids = repo.snapshotIds();
        if (!ids.isEmpty()) {
          return repo.manifest(ids.getLast());
        }
      } catch (IOException | VaultException e) {
        // No parent from this target: files are read again, which is only slower.
      }
    }
    return null;
  }

  /**
   * Opens every reachable target's repository (creating empty ones); a target that cannot be opened
   * is left out while another one opens.
   *
   * @throws VaultException when none opens, or a repository was written with another key
   */
  List<Repository> repositories() {
    key(true);
    List<Repository> repos = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (VaultConfig.Target t : config.targets()) {
      try {
        repos.add(repository(t));
      } catch (WrongKeyException e) {
        throw e;
      } catch (NxsException e) {
        failed.put(describe(t), e.getMessage());
      }
    }
    if (repos.isEmpty()) {
      throw new VaultException("no target can be opened: " + failed);
    }
    failed.forEach((where, why) -> LOG.warn("vault target {} left out: {}", where, why));
    return repos;
  }

  private Repository repository(VaultConfig.Target t) {
    return Repository.openOrCreate(target(t), key(true));
  }

  /**
   * The vault key: {@code keys/vault.key} (created when {@code create}), or derived from the
   * passphrase in {@code vault.passphrase_env} with the parameters the first reachable repository
   * records (fresh ones for a new vault).
   */
  private synchronized VaultKey key(boolean create) {
    if (key != null) {
      return key;
    }
    if (config.passphraseEnv() != null) {
      List<Target> targets = new ArrayList<>();
      for (VaultConfig.Target t : config.targets()) {
        try {
          targets.add(target(t));
        } catch (NxsException e) {
          // Unreachable now: its parameters, if any, are the same as the others'.
        }
      }
      key = passphraseKey(config, env, targets);
    } else if (create) {
      key = VaultKey.loadOrCreate(keyFile);
    } else {
      if (!Files.exists(keyFile)) {
        throw new VaultException(
            "there is no vault key at "
                + keyFile
                + ": copy the vault.key you kept apart from the backups there");
      }
      key = VaultKey.load(keyFile);
    }
    return key;
  }

  /** The key derived from the configured passphrase variable, with the targets' KDF parameters. */
  static VaultKey passphraseKey(VaultConfig config, Map<String, String> env, List<Target> targets) {
    String variable = config.passphraseEnv();
    String passphrase = env.get(variable);
    if (passphrase == null || passphrase.isEmpty()) {
      throw new VaultException(
          "vault.passphrase_env names "
              + variable
              + ", which is not set: export the vault"
              + " passphrase in it (the vault key is derived from it)");
    }
    io.nxs.core.log.Redaction.register(passphrase);
    VaultKey.Kdf kdf = null;
    for (Target t : targets) {
      try {
        Optional<VaultKey.Kdf> found = Repository.kdf(t);
        if (found.isPresent()) {
          kdf = found.get();
          break;
        }
      } catch (IOException e) {
        // No repository there yet, or unreachable: look at the next.
      }
    }
    return VaultKey.fromPassphrase(variable, passphrase, kdf == null ? VaultKey.Kdf.fresh() : kdf);
  }

  /** The target of a configured entry, opened once and kept (S3 connections, the git clone). */
  private synchronized Target target(VaultConfig.Target t) {
    Target open = openTargets.get(t);
    if (open == null) {
      open = Targets.open(t, home, this::resolve, env, home.resolve("secrets.yaml"));
      openTargets.put(t, open);
    }
    return open;
  }

  /** A target as messages name it, before it is opened. */
  private String describe(VaultConfig.Target t) {
    return t.type().equals("local") ? "local:" + resolve(t.path()) : t.where();
  }

  /** Opens the repositories with the existing key only: never creates one (restores, verifies). */
  List<Repository> existingRepositories() {
    key(false);
    return repositories();
  }

  Path resolve(String path) {
    return resolve(home, path);
  }

  /** A configured path: {@code ~} is the user's home, relative paths are under the NXS home. */
  static Path resolve(Path home, String path) {
    String expanded =
        path.startsWith("~/") || path.equals("~")
            ? System.getProperty("user.home") + path.substring(1)
            : path;
    return home.resolve(expanded).normalize();
  }

  /** The trees a backup reads, staging consistent copies of databases first. */
  private List<SourceTree> sources(Path staging) throws IOException {
    List<SourceTree> trees = new ArrayList<>();
    Path nxs = staging.resolve("nxs");
    Files.createDirectories(nxs);
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
            List.of("nxs.yaml", "secrets.yaml", "rules/**", "keys/**"),
            List.of("keys/vault.key", "keys/.*")));
    for (BackupSource source : extraSources.get()) {
      if (RESERVED.contains(source.name())) {
        throw new VaultException(
            "backup source '" + source.name() + "' uses a reserved name (" + RESERVED + ")");
      }
      Path dir = staging.resolve("ext").resolve(source.name());
      Files.createDirectories(dir);
      source.exportTo(dir);
      trees.add(SourceTree.all(source.name(), dir));
    }
    Map<String, Integer> names = new HashMap<>();
    for (VaultConfig.Source s : config.sources()) {
      Path root = resolve(s.path());
      String base = root.getFileName() == null ? "root" : root.getFileName().toString();
      int n = names.merge(base, 1, Integer::sum);
      trees.add(
          new SourceTree(
              "files/" + (n == 1 ? base : base + "-" + n), root, s.include(), s.exclude()));
    }
    Path openclaw = resolve(config.openclawHome());
    boolean withOpenclaw =
        config.openclaw() != null ? config.openclaw() : Files.isDirectory(openclaw);
    if (withOpenclaw) {
      trees.add(
          new SourceTree(
              "openclaw/workspace", openclaw.resolve("workspace"), OPENCLAW_WORKSPACE, List.of()));
      Path dbs = staging.resolve("openclaw");
      for (Path db : openclawDatabases(openclaw)) {
        SqliteCopy.copyReadOnly(db, dbs.resolve(openclaw.relativize(db).toString()));
      }
      trees.add(SourceTree.all("openclaw", dbs));
    }
    return trees;
  }

  private static List<Path> openclawDatabases(Path openclaw) throws IOException {
    List<Path> dbs = new ArrayList<>();
    Path agents = openclaw.resolve("agents");
    if (Files.isDirectory(agents)) {
      try (Stream<Path> list = Files.list(agents)) {
        list.map(a -> a.resolve("agent").resolve("openclaw-agent.sqlite"))
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(dbs::add);
      }
    }
    Path state = openclaw.resolve("state").resolve("openclaw.sqlite");
    if (Files.isRegularFile(state)) {
      dbs.add(state);
    }
    return dbs;
  }

  /** Whether a snapshot path is an agent memory file (MEMORY.md or a daily memory/*.md). */
  static boolean isMemoryFile(String path) {
    return path.endsWith("/MEMORY.md")
        || path.equals("MEMORY.md")
        || path.matches("(.*/)?memory/[^/]+\\.md");
  }

  private static Map<String, Long> memorySizes(Manifest m) {
    Map<String, Long> sizes = new HashMap<>();
    for (Manifest.Entry e : m.files()) {
      if (isMemoryFile(e.path())) {
        sizes.put(e.path(), e.size());
      }
    }
    return sizes;
  }

  static List<MemoryLoss> memoryLosses(Map<String, Long> before, Map<String, Long> now) {
    List<MemoryLoss> losses = new ArrayList<>();
    before.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              long size = now.getOrDefault(e.getKey(), 0L);
              if (!now.containsKey(e.getKey()) || size * 2 < e.getValue()) {
                losses.add(new MemoryLoss(e.getKey(), e.getValue(), size));
              }
            });
    return losses;
  }

  private void removeOldStaging(Instant now) throws IOException {
    Path dir = home.resolve("vault").resolve("staging");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(now.minus(Duration.ofHours(1)))) {
          deleteTree(p);
        }
      }
    }
  }

  static void deleteTree(Path dir) {
    try {
      SecureFiles.deleteTree(dir);
    } catch (IOException e) {
      throw new VaultException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Verifies snapshots on every target (SPEC VA2) and repairs what another target holds intact.
   *
   * @param which a snapshot id, {@code latest}, or {@code all} (also when null)
   * @param deep re-read and decrypt every blob instead of today's rotating sample
   */
  public synchronized VerifyReport verify(String which, boolean deep, Progress progress) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<String> ids =
        which == null || which.equals("all")
            ? list().stream().map(SnapshotInfo::id).toList()
            : List.of(find(which).id());
    List<Repository> repos = existingRepositories();
    List<RepositoryLock> locks = new ArrayList<>();
    List<VerifyReport.Problem> problems = new ArrayList<>();
    List<VerifyReport.Problem> repaired = new ArrayList<>();
    long blobs = 0;
    long blobsRead = 0;
    long bytesRead = 0;
    try {
      for (Repository repo : repos) {
        locks.add(
            RepositoryLock.acquire(repo.target(), RepositoryLock.Kind.SHARED, "verify", clock));
      }
      for (Repository repo : repos) {
        Set<String> held;
        try {
          held = Set.copyOf(repo.snapshotIds());
        } catch (IOException e) {
          throw new VaultException(
              "cannot list " + repo.target().describe() + ": " + e.getMessage(), e);
        }
        List<String> here = ids.stream().filter(held::contains).toList();
        Verifier verifier =
            new Verifier(repo, deep, started.atZone(ZoneOffset.UTC).toLocalDate(), progress);
        for (Verifier.SnapshotCheck check : verifier.check(here)) {
          for (VerifyReport.Problem p : check.problems()) {
            if (repair(repo, repos, p)) {
              repaired.add(p);
            } else {
              problems.add(p);
            }
          }
        }
        blobs += verifier.blobsChecked();
        blobsRead += verifier.blobsRead();
        bytesRead += verifier.bytesRead();
      }
    } finally {
      locks.forEach(RepositoryLock::close);
    }
    Instant finished = clock.instant();
    Set<String> damaged = new java.util.HashSet<>();
    problems.forEach(p -> damaged.add(p.snapshot()));
    for (String id : ids) {
      index.markVerified(id, finished, !damaged.contains(id));
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    VerifyReport report =
        new VerifyReport(
            problems.isEmpty(),
            deep,
            ids.size(),
            blobs,
            blobsRead,
            bytesRead,
            millis,
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
    audit.append(
        new AuditEvent(
            "backup.verify",
            report.ok() ? Severity.INFO : Severity.HIGH,
            "nxs",
            which == null ? "all" : which,
            details));
    index.recordRun(
        "verify",
        started,
        finished,
        report.ok(),
        which == null || which.equals("all") ? null : ids.getFirst(),
        millis,
        report.ok() ? "ok" : problems.size() + " problems");
    return report;
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
              .formatHex(other.sealer().key().newNamingMac().doFinal(plain))
              .equals(name)) {
            continue;
          }
          damaged.putSealedBlob(name, sealed);
        }
        return true;
      } catch (IOException | VaultException e) {
        // Not intact there either: try the next target.
      }
    }
    return false;
  }

  /**
   * Restores a snapshot, or one file or directory of it, into a directory that is absent or empty.
   * Everything is written into a temporary sibling and checked against the manifest's SHA-256
   * first, then moved into place: a failure (wrong key, damaged blob) leaves nothing.
   *
   * @param which a snapshot id or {@code latest}
   * @param to the directory; never the NXS home (use the recovery for the live state database)
   * @param file a path in the snapshot, e.g. {@code files/agent/MEMORY.md}; null for all
   */
  public synchronized RestoreResult restore(String which, Path to, String file, Progress progress) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    Path dest = to.toAbsolutePath().normalize();
    if (dest.equals(home)) {
      throw new VaultException(
          "restoring over the NXS home "
              + home
              + " is refused: the running daemon's state.db would"
              + " be replaced under it; restore into another directory, or stop NXS and run"
              + " 'nxs backup recover' (the level-6 healing action does it safely)");
    }
    if (Files.exists(dest) && !isEmptyDirectory(dest)) {
      throw new VaultException(
          "restore target " + dest + " is not an empty directory: choose a new or empty one");
    }
    List<Repository> repos = existingRepositories();
    SnapshotInfo info = find(which);
    List<RepositoryLock> locks = new ArrayList<>();
    Path temp =
        dest.resolveSibling(
            "."
                + dest.getFileName()
                + ".restoring-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    try {
      for (Repository repo : repos) {
        locks.add(
            RepositoryLock.acquire(repo.target(), RepositoryLock.Kind.SHARED, "restore", clock));
      }
      Manifest m = readManifest(repos, info.id());
      List<Manifest.Entry> entries =
          file == null
              ? m.entries()
              : m.entries().stream().filter(e -> Restorer.selects(file, e)).toList();
      if (entries.isEmpty()) {
        throw new VaultException(
            "snapshot "
                + info.id()
                + " has no file '"
                + file
                + "': paths look like "
                + (m.files().isEmpty() ? Vault.STATE_DB_PATH : m.files().getFirst().path()));
      }
      Files.createDirectories(temp);
      long bytes = new Restorer(repos, progress).restore(m, entries, temp);
      if (Files.exists(dest)) {
        Files.delete(dest);
      }
      Files.move(temp, dest, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      long millis = (System.nanoTime() - t0) / 1_000_000;
      long files = entries.stream().filter(e -> e.type() == Manifest.EntryType.FILE).count();
      RestoreResult result = new RestoreResult(info.id(), dest, files, bytes, millis);
      audit.append(
          new AuditEvent(
              "backup.restore",
              Severity.MEDIUM,
              "nxs",
              info.id(),
              Map.of(
                  "to",
                  dest.toString(),
                  "file",
                  file == null ? "*" : file,
                  "files",
                  files,
                  "bytes",
                  bytes,
                  "millis",
                  millis)));
      index.recordRun(
          "restore", started, clock.instant(), true, info.id(), millis, dest.toString());
      return result;
    } catch (IOException | VaultException e) {
      try {
        deleteTree(temp);
      } catch (VaultException cleanup) {
        e.addSuppressed(cleanup);
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      index.recordRun(
          "restore",
          started,
          clock.instant(),
          false,
          info.id(),
          millis,
          String.valueOf(e.getMessage()));
      audit.append(
          new AuditEvent(
              "backup.restore_failed",
              Severity.HIGH,
              "nxs",
              info.id(),
              Map.of("error", String.valueOf(e.getMessage()))));
      throw e instanceof VaultException ve
          ? ve
          : new VaultException("restore failed: " + e.getMessage(), e);
    } finally {
      locks.forEach(RepositoryLock::close);
    }
  }

  /** The manifest from the first target holding it intact. */
  static Manifest readManifest(List<Repository> repos, String id) {
    List<String> failures = new ArrayList<>();
    for (Repository repo : repos) {
      try {
        return repo.manifest(id);
      } catch (java.nio.file.NoSuchFileException e) {
        failures.add(repo.target().describe() + ": missing");
      } catch (IOException | VaultException e) {
        failures.add(repo.target().describe() + ": " + e.getMessage());
      }
    }
    throw new VaultException(
        "the manifest of snapshot "
            + id
            + " is damaged or missing on every target ("
            + String.join("; ", failures)
            + ")");
  }

  private static boolean isEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Applies the retention policy: removes the snapshots it does not keep, then the blobs no
   * remaining snapshot uses. Holds every repository's exclusive lock, so it never runs beside a
   * backup; a lock left by a killed process expires.
   *
   * @throws VaultException when another operation holds a lock, or a manifest cannot be read (then
   *     nothing is deleted: an unreadable manifest's blobs might still be needed)
   */
  public synchronized PruneResult prune(boolean dryRun) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<Repository> repos = existingRepositories();
    List<RepositoryLock> locks = new ArrayList<>();
    Set<String> keep;
    List<String> removed;
    long blobsRemoved = 0;
    long bytesFreed = 0;
    try {
      for (Repository repo : repos) {
        locks.add(
            RepositoryLock.acquire(repo.target(), RepositoryLock.Kind.EXCLUSIVE, "prune", clock));
      }
      Map<String, Instant> created = new LinkedHashMap<>();
      for (SnapshotInfo s : list()) {
        created.put(s.id(), s.createdAt());
      }
      keep = RetentionRule.keep(created, config.retention());
      removed = created.keySet().stream().filter(id -> !keep.contains(id)).sorted().toList();
      for (Repository repo : repos) {
        List<String> ids = repo.snapshotIds();
        Set<String> used = new java.util.HashSet<>();
        for (String id : ids) {
          if (!keep.contains(id)) {
            continue;
          }
          Manifest m;
          try {
            m = repo.manifest(id);
          } catch (IOException | VaultException e) {
            throw new VaultException(
                "prune stopped before deleting anything at "
                    + repo.target().describe()
                    + ": the manifest of snapshot "
                    + id
                    + " cannot be read ("
                    + e.getMessage()
                    + "); run 'nxs backup verify' and repair or remove it first");
          }
          m.files().forEach(f -> f.chunks().forEach(c -> used.add(c.id())));
        }
        Map<String, Long> blobs = repo.blobs();
        if (dryRun) {
          for (Map.Entry<String, Long> b : blobs.entrySet()) {
            if (!used.contains(b.getKey())) {
              blobsRemoved++;
              bytesFreed += b.getValue();
            }
          }
          continue;
        }
        // Manifests first: a snapshot disappears whole before any of its blobs does.
        for (String id : ids) {
          if (!keep.contains(id)) {
            repo.deleteSnapshot(id);
          }
        }
        for (Map.Entry<String, Long> b : blobs.entrySet()) {
          if (!used.contains(b.getKey())) {
            repo.deleteBlob(b.getKey());
            blobsRemoved++;
            bytesFreed += b.getValue();
          }
        }
        // Removals a target batches (git) reach it now.
        repo.flush();
        // Under the exclusive lock nobody writes: every temporary file is a crash's leftover.
        repo.target().removeLeftovers(Instant.MAX);
      }
    } catch (IOException e) {
      throw new VaultException("prune failed: " + e.getMessage(), e);
    } finally {
      locks.forEach(RepositoryLock::close);
    }
    if (!dryRun) {
      removed.forEach(index::deleteSnapshot);
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    PruneResult result =
        new PruneResult(
            dryRun, keep.stream().sorted().toList(), removed, blobsRemoved, bytesFreed, millis);
    if (!dryRun) {
      audit.append(
          new AuditEvent(
              "backup.prune",
              Severity.INFO,
              "nxs",
              "retention",
              Map.of(
                  "kept",
                  keep.size(),
                  "removed",
                  removed.size(),
                  "blobs_removed",
                  blobsRemoved,
                  "bytes_freed",
                  bytesFreed)));
      index.recordRun(
          "prune",
          started,
          clock.instant(),
          true,
          null,
          millis,
          removed.size() + " snapshots, " + blobsRemoved + " blobs");
    }
    return result;
  }

  /**
   * Runs a restore drill (SPEC VA7): restores the newest snapshot into a scratch directory under
   * {@code <home>/vault/drills}, checks every SQLite database in it, measures the time taken (the
   * RTO), records a {@code backup.drill} audit event with the figures, and removes the scratch.
   */
  public synchronized DrillResult drill(Progress progress) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    SnapshotInfo newest = find("latest");
    Path scratch = home.resolve("vault").resolve("drills").resolve(newest.id());
    deleteTree(scratch);
    List<String> findings = new ArrayList<>();
    long files = 0;
    long bytes = 0;
    int databases = 0;
    try {
      RestoreResult restored = restore(newest.id(), scratch, null, progress);
      files = restored.files();
      bytes = restored.bytes();
      try (Stream<Path> walk = Files.walk(scratch)) {
        for (Path p : walk.filter(Files::isRegularFile).filter(SqliteCopy::isDatabase).toList()) {
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
      deleteTree(scratch);
    }
    long millis = (System.nanoTime() - t0) / 1_000_000;
    long target = Duration.ofMinutes(15).toMillis();
    DrillResult result =
        new DrillResult(
            newest.id(), findings.isEmpty(), millis, target, files, bytes, databases, findings);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("ok", result.ok());
    details.put("rto_millis", millis);
    details.put("rto_target_millis", target);
    details.put("files", files);
    details.put("bytes", bytes);
    details.put("databases", databases);
    details.put("findings", findings);
    audit.append(
        new AuditEvent(
            "backup.drill",
            result.ok() && millis <= target ? Severity.INFO : Severity.HIGH,
            "nxs",
            newest.id(),
            details));
    index.recordRun(
        "drill",
        started,
        clock.instant(),
        result.ok(),
        newest.id(),
        millis,
        result.ok() ? "rto " + millis + " ms" : String.join("; ", findings));
    return result;
  }

  /**
   * Writes the first target's repository (still encrypted) into one tar file for offline keeping
   * (SPEC VA5). Written to a temporary file and renamed, so a half export never has the name.
   */
  public synchronized ExportResult export(Path file) {
    Path out = file.toAbsolutePath().normalize();
    Repository repo = existingRepositories().getFirst();
    Path tmp = out.resolveSibling("." + out.getFileName() + ".partial");
    long objects = 0;
    long snapshots = 0;
    try (RepositoryLock lock =
        RepositoryLock.acquire(repo.target(), RepositoryLock.Kind.SHARED, "export", clock)) {
      Files.createDirectories(out.getParent());
      List<String> keys = new ArrayList<>(repo.target().list(""));
      keys.removeIf(k -> k.startsWith("locks/"));
      keys.sort(Comparator.naturalOrder());
      try (var fileOut = Files.newOutputStream(tmp);
          var buffered = new java.io.BufferedOutputStream(fileOut, 1 << 16);
          var tar =
              new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(buffered)) {
        tar.setLongFileMode(
            org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
        for (String key : keys) {
          byte[] data = repo.target().get(key);
          var entry =
              new org.apache.commons.compress.archivers.tar.TarArchiveEntry("nxs-vault/" + key);
          entry.setSize(data.length);
          entry.setModTime(java.util.Date.from(clock.instant()));
          entry.setMode(0600);
          tar.putArchiveEntry(entry);
          tar.write(data);
          tar.closeArchiveEntry();
          objects++;
          if (key.startsWith("snapshots/")) {
            snapshots++;
          }
        }
        tar.finish();
      }
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          tmp,
          out,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      ExportResult result = new ExportResult(out, objects, snapshots, Files.size(out));
      audit.append(
          new AuditEvent(
              "backup.export",
              Severity.INFO,
              "nxs",
              out.toString(),
              Map.of("objects", objects, "snapshots", snapshots, "bytes", result.bytes())));
      index.recordRun("export", clock.instant(), clock.instant(), true, null, 0, out.toString());
      return result;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new VaultException("cannot export to " + out + ": " + e.getMessage(), e);
    }
  }

  /** The newest snapshot that passed a verify, if any. */
  public Optional<SnapshotInfo> lastVerified() {
    return index.lastVerified();
  }

  /**
   * When the newest run of a kind ({@code backup}, {@code verify}, {@code drill}, ...) started; for
   * {@code verify}, only a verify of every snapshot counts.
   */
  public Optional<Instant> lastStarted(String kind) {
    return index.lastStarted(kind);
  }
}
