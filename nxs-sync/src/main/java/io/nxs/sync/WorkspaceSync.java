package io.nxs.sync;

import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.log.Redaction;
import io.nxs.core.state.SecureFiles;
import io.nxs.core.state.StateStore;
import io.nxs.sync.internal.CommitInfo;
import io.nxs.sync.internal.LocalFile;
import io.nxs.sync.internal.NodeIdentity;
import io.nxs.sync.internal.PathScope;
import io.nxs.sync.internal.RemoteException;
import io.nxs.sync.internal.SyncIndex;
import io.nxs.sync.internal.SyncRepository;
import io.nxs.sync.internal.ThreeWayMerge;
import io.nxs.sync.internal.WorkspaceScanner;
import io.nxs.sync.internal.WorkspaceWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The agent's workspace kept the same on every instance through a git remote (SPEC SY1-SY5): the
 * facade the module, the routes and the CLI use.
 *
 * <p>One run ({@link #sync}): scan the workspace (only changed files are read), fetch the remote,
 * merge file by file against the version both last agreed on ({@code ThreeWayMerge}, by the
 * manifest's rules), commit the result on top of the remote head and push it without force (a
 * compare-and-swap: when another instance pushed meanwhile, fetch and merge again), then write what
 * changed into the workspace, each file atomically, and only then remember the new agreed version.
 * The remote therefore only ever holds whole commits, and the workspace gets nothing the remote
 * does not hold; a run killed at any point leaves both consistent, and the next run, which finds
 * the same files changed the same way on both sides, completes it. A remote that is down or refuses
 * the push fails the run before the workspace is touched; the next run retries.
 *
 * <p>Deletions only propagate when the remote's history contains the last agreed version: a new,
 * emptied or rewritten remote is merged as a union, and a workspace that has lost every synced file
 * (an unmounted disk) is refused, so neither can delete the other side's files.
 *
 * <p>One run at a time per workspace, across processes too: a lock file under {@code
 * <home>/sync/<workspace id>/}, held by the operating system, so a killed process never leaves it
 * held.
 */
public final class WorkspaceSync {

  /** Pushes tried per run when other instances keep pushing first. */
  static final int PUSH_TRIES = 5;

  /** How many pending paths and conflicts {@link #status} lists. */
  static final int LISTED = 20;

  /**
   * How one workspace syncs.
   *
   * @param home the NXS home
   * @param workspace the directory to sync, absolute
   * @param manifest what syncs and how it merges
   * @param remote the git remote
   * @param branch the remote branch
   * @param node this instance's name
   * @param interval how often the daemon syncs
   * @param env the environment (for {@code NXS_GIT_USERNAME}, {@code NXS_GIT_PASSWORD})
   */
  public record Settings(
      Path home,
      Path workspace,
      SyncManifest manifest,
      String remote,
      String branch,
      String node,
      Duration interval,
      Map<String, String> env) {

    public Settings {
      Objects.requireNonNull(home, "home");
      Objects.requireNonNull(workspace, "workspace");
      Objects.requireNonNull(manifest, "manifest");
      Objects.requireNonNull(remote, "remote");
      Objects.requireNonNull(node, "node");
      workspace = workspace.toAbsolutePath().normalize();
      env = Map.copyOf(env);
    }

    /**
     * Settings from the {@code sync:} section.
     *
     * @param defaultWorkspace OpenClaw's workspace, used when {@code sync.workspace} is not set
     * @throws io.nxs.core.config.ConfigException when the manifest file is missing or invalid, with
     *     its file:line
     * @throws SyncException when sync is off or the node name cannot be kept
     */
    public static Settings of(
        Path home, SyncConfig config, Path defaultWorkspace, Map<String, String> env) {
      if (!config.enabled()) {
        throw new SyncException(
            "sync is off: set sync.remote in nxs.yaml to a git remote shared by your instances");
      }
      SyncManifest manifest =
          config.manifest() == null
              ? SyncManifest.defaults()
              : SyncManifest.load(resolve(home, config.manifest()));
      Path workspace =
          config.workspace() == null ? defaultWorkspace : resolve(home, config.workspace());
      String node = config.node();
      if (node == null) {
        try {
          node = NodeIdentity.loadOrCreate(home.resolve("sync").resolve("node"));
        } catch (IOException e) {
          throw new SyncException(
              "cannot keep this instance's sync name in " + home.resolve("sync") + ": " + e, e);
        }
      }
      Duration interval = config.interval() == null ? manifest.interval() : config.interval();
      return new Settings(
          home, workspace, manifest, config.remote(), config.branch(), node, interval, env);
    }

    private static Path resolve(Path home, String path) {
      String expanded =
          path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
      Path p = Path.of(expanded);
      return (p.isAbsolute() ? p : home.resolve(p)).normalize();
    }
  }

  private final Settings settings;
  private final SyncIndex index;
  private final AuditTrail audit;
  private final EventBus events;
  private final Clock clock;
  private final PathScope scope;
  private final Path dir;
  private final ReentrantLock running = new ReentrantLock();

  private WorkspaceSync(
      Settings settings, SyncIndex index, AuditTrail audit, EventBus events, Clock clock) {
    this.settings = settings;
    this.index = index;
    this.audit = audit;
    this.events = events;
    this.clock = clock;
    this.scope = new PathScope(settings.manifest());
    this.dir = settings.home().resolve("sync").resolve(workspaceId(settings.workspace()));
  }

  /**
   * Opens the sync of one workspace: migrates the module's tables; touches neither the workspace
   * nor the remote.
   */
  public static WorkspaceSync open(
      Settings settings, StateStore store, AuditTrail audit, EventBus events, Clock clock) {
    store.migrate("sync");
    return new WorkspaceSync(settings, new SyncIndex(store), audit, events, clock);
  }

  /** The settings in use. */
  public Settings settings() {
    return settings;
  }

  /** Whether a run is in progress in this process. */
  public boolean busy() {
    return running.isLocked();
  }

  /**
   * Runs one sync now, waiting for a run in progress (here or in another process) to end first.
   * Never throws for a remote or workspace problem: the report says what failed, the run is
   * recorded and the health turns DEGRADED until a run succeeds.
   */
  public SyncReport sync(SyncListener listener) {
    running.lock();
    try {
      SecureFiles.ensureDirectory(dir);
      try (FileChannel lockFile =
          FileChannel.open(
              dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock held = lockFile.lock();
        try {
          return runLocked(listener);
        } finally {
          held.release();
        }
      }
    } catch (IOException e) {
      throw new SyncException("cannot lock " + dir.resolve("lock") + ": " + e.getMessage(), e);
    } finally {
      running.unlock();
    }
  }

  private SyncReport runLocked(SyncListener listener) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    Run run = new Run();
    SyncReport report;
    try {
      report = attempt(listener, started, t0, run);
    } catch (IOException | RuntimeException e) {
      String reason = reason(e);
      report =
          SyncReport.failed(
              started, (System.nanoTime() - t0) / 1_000_000, reason, run.localChanges);
    }
    boolean failedBefore = index.lastRun().map(r -> !r.report().ok()).orElse(false);
    index.record(report, report.ok() ? OptionalLong.empty() : run.oldestPending);
    if (!report.ok()) {
      if (!failedBefore) {
        audit.append(
            new AuditEvent(
                "sync.failed",
                Severity.HIGH,
                settings.node(),
                describeRemote(),
                Map.of("error", report.error())));
      }
    } else {
      if (failedBefore) {
        audit.append(
            AuditEvent.of("sync.recovered", Severity.INFO, settings.node(), describeRemote()));
      }
      if (report.pushed() || report.applied() > 0) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("local_changes", report.localChanges());
        details.put("remote_changes", report.remoteChanges());
        details.put("pushed", report.pushed());
        details.put("applied", report.applied());
        details.put("deferred", report.deferred());
        details.put("conflicts", report.conflicts().size());
        details.put("commit", report.commit());
        audit.append(
            new AuditEvent("sync.run", Severity.INFO, settings.node(), describeRemote(), details));
      }
    }
    events.publish(
        new SyncFinished(
            clock.instant(),
            report.ok(),
            report.pushed(),
            report.applied(),
            report.conflicts().size(),
            report.error()));
    listener.progress(SyncListener.Phase.DONE, 0, 0);
    return report;
  }

  /** What a run learned before it failed, for its record. */
  private static final class Run {
    int localChanges;
    OptionalLong oldestPending = OptionalLong.empty();
  }

  private SyncReport attempt(SyncListener listener, Instant started, long t0, Run run)
      throws IOException {
    try (SyncRepository repo =
            SyncRepository.open(
                dir.resolve("repo.git"), settings.remote(), settings.branch(), settings.env());
        ObjectInserter inserter = repo.newInserter()) {
      listener.progress(SyncListener.Phase.SCANNING, 0, 0);
      WorkspaceScanner scanner =
          new WorkspaceScanner(settings.workspace(), scope, dir.resolve("stat-index"));
      Map<String, LocalFile> local = scanner.scan(inserter, true);
      inserter.flush();

      Optional<ObjectId> baseCommit = repo.base();
      Optional<ObjectId> agreed = repo.agreed(baseCommit);
      Map<String, ObjectId> baseFiles = repo.files(baseCommit);
      List<String> changed = changes(baseFiles, local);
      run.localChanges = changed.size();
      run.oldestPending = oldest(changed, local);
      if (!baseFiles.isEmpty() && emptyOrMissing(settings.workspace())) {
        throw new SyncException(
            "the workspace "
                + settings.workspace()
                + " is empty or missing while "
                + baseFiles.size()
                + " files were synced (is its disk unmounted, or was it moved?): nothing was"
                + " synced, so the other instances keep theirs; restore it or point"
                + " sync.workspace at it");
      }

      Set<String> audited = new HashSet<>();
      for (int attempt = 1; attempt <= PUSH_TRIES; attempt++) {
        listener.progress(SyncListener.Phase.FETCHING, 0, 0);
        Optional<ObjectId> head = repo.fetch();
        if (changed.isEmpty()
            && head.isPresent()
            && head.equals(agreed)
            && baseCommit.equals(agreed)) {
          // Nothing changed on either side since the last run.
          return new SyncReport(
              started,
              (System.nanoTime() - t0) / 1_000_000,
              true,
              null,
              0,
              0,
              false,
              head.get().name(),
              0,
              0,
              List.of(),
              0);
        }
        boolean related =
            head.isPresent() && agreed.isPresent() && repo.isAncestor(agreed.get(), head.get());
        Map<String, ObjectId> base = related ? baseFiles : Map.of();
        Map<String, ObjectId> remote = repo.files(head);
        Map<String, CommitInfo.Written> remoteWritten =
            head.isPresent()
                ? repo.writtenSince(head.get(), related ? agreed : Optional.empty())
                : Map.of();
        CommitInfo.Written fallback =
            head.isPresent() ? repo.headInfo(head.get()) : new CommitInfo.Written(0, "remote");

        listener.progress(SyncListener.Phase.MERGING, 0, 0);
        Instant now = clock.instant();
        ThreeWayMerge.Result merged =
            new ThreeWayMerge(scope, settings.node(), blobs(repo, inserter), now)
                .merge(base, local, remote, remoteWritten, fallback);
        int remoteChanges = changedIds(base, remote);
        boolean needPush =
            head.isEmpty() ? !merged.files().isEmpty() : !merged.files().equals(remote);

        Optional<ObjectId> agreedNow = head;
        List<SyncConflict> conflicts = needPush ? merged.conflicts() : List.of();
        if (needPush) {
          // Recorded before the push: a run killed after pushing must not lose them. A retried
          // run records the same conflict (same id) again at most.
          for (SyncConflict c : conflicts) {
            if (audited.add(c.id())) {
              auditConflict(c);
            }
          }
          listener.progress(SyncListener.Phase.PUSHING, 0, 0);
          ObjectId commit =
              repo.commit(
                  merged.files(),
                  head,
                  new CommitInfo(settings.node(), NodeIdentity.hostName(), merged.written())
                      .message(subject(changed.size(), conflicts.size())),
                  ident(now),
                  inserter);
          if (!repo.push(commit)) {
            continue; // another instance pushed first: fetch and merge again
          }
          agreedNow = Optional.of(commit);
        }

        WorkspaceWriter.Applied applied =
            new WorkspaceWriter(settings.workspace(), repo).apply(merged.files(), local, listener);
        scanner.remember(local, applied.written(), applied.removed());
        if (agreedNow.isPresent()) {
          repo.setBase(
              applied.deferred().isEmpty()
                  ? agreedNow.get()
                  : repo.baseWithDeferred(
                      agreedNow.get(), merged.files(), base, applied.deferred(), inserter));
        }
        double latency =
            related ? latency(merged.files(), local, base, remote, remoteWritten, fallback) : 0;
        return new SyncReport(
            started,
            (System.nanoTime() - t0) / 1_000_000,
            true,
            null,
            changed.size(),
            remoteChanges,
            needPush,
            agreedNow.map(ObjectId::name).orElse(null),
            applied.written().size() + applied.removed().size(),
            applied.deferred().size(),
            conflicts,
            latency);
      }
      throw new SyncException(
          "the remote "
              + repo.describe()
              + " kept moving: "
              + PUSH_TRIES
              + " pushes were overtaken by other instances; the next run tries again");
    }
  }

  /**
   * The longest time from a change's write on another instance to now, over the changes this run
   * brought into the workspace (seconds, never negative).
   */
  private double latency(
      Map<String, ObjectId> merged,
      Map<String, LocalFile> local,
      Map<String, ObjectId> base,
      Map<String, ObjectId> remote,
      Map<String, CommitInfo.Written> written,
      CommitInfo.Written fallback) {
    long now = clock.millis();
    long worst = 0;
    for (Map.Entry<String, ObjectId> f : merged.entrySet()) {
      String path = f.getKey();
      ObjectId id = f.getValue();
      LocalFile here = local.get(path);
      boolean incoming =
          id.equals(remote.get(path))
              && !id.equals(base.get(path))
              && (here == null || !here.id().equals(id));
      if (incoming) {
        worst = Math.max(worst, now - written.getOrDefault(path, fallback).millis());
      }
    }
    return Math.max(0, worst) / 1000.0;
  }

  /**
   * What {@code nxs sync status} shows. Counts pending changes with a fresh look at the workspace
   * (file sizes and times; only changed files are read, and nothing is written).
   */
  public SyncStatus status(HealthSource.Health health) {
    Instant now = clock.instant();
    Optional<SyncIndex.Run> last = index.lastRun();
    Optional<SyncIndex.Run> success = index.lastSuccess();
    List<String> pending = pending();
    return new SyncStatus(
        true,
        settings.node(),
        settings.workspace().toString(),
        describeRemote(),
        settings.interval().toSeconds(),
        last.map(SyncIndex.Run::report).orElse(null),
        success.map(r -> r.report().startedAt()).orElse(null),
        success.map(r -> Duration.between(r.report().startedAt(), now).toSeconds()).orElse(-1L),
        latencySeconds(),
        pending.size(),
        pending.subList(0, Math.min(LISTED, pending.size())),
        index.conflicts(LISTED),
        index.conflictsSince(now.minus(Duration.ofHours(24))),
        health.status().name().toLowerCase(java.util.Locale.ROOT),
        health.detail());
  }

  /**
   * {@code sync.latency_seconds}: how long a change takes from its write on one instance to being
   * in the workspace of another. The larger of what the newest run that brought changes in
   * measured, and, while runs fail, the age of the oldest change here still not on the remote.
   */
  public double latencySeconds() {
    double measured = index.lastIncoming().map(r -> r.report().latencySeconds()).orElse(0.0);
    double waiting =
        index
            .lastRun()
            .filter(r -> !r.report().ok() && r.oldestPending().isPresent())
            .map(r -> Math.max(0, clock.millis() - r.oldestPending().getAsLong()) / 1000.0)
            .orElse(0.0);
    return Math.max(measured, waiting);
  }

  /** The newest run, if any. */
  public Optional<SyncReport> lastRun() {
    return index.lastRun().map(SyncIndex.Run::report);
  }

  /** When the newest successful run started, if any. */
  public Optional<Instant> lastSuccess() {
    return index.lastSuccess().map(r -> r.report().startedAt());
  }

  /** How many conflicts were resolved since a time. */
  public long conflictsSince(Instant since) {
    return index.conflictsSince(since);
  }

  /** The files changed here since the last sync, sorted. */
  public List<String> pending() {
    try (SyncRepository repo =
            SyncRepository.openReadOnly(
                dir.resolve("repo.git"), settings.remote(), settings.branch());
        ObjectInserter.Formatter ids = new ObjectInserter.Formatter()) {
      Map<String, LocalFile> local =
          new WorkspaceScanner(settings.workspace(), scope, dir.resolve("stat-index"))
              .scan(ids, false);
      return changes(repo.files(repo.base()), local);
    } catch (IOException e) {
      throw new SyncException(
          "cannot look at the workspace " + settings.workspace() + ": " + e.getMessage(), e);
    }
  }

  private static boolean emptyOrMissing(Path workspace) throws IOException {
    if (!Files.isDirectory(workspace)) {
      return true;
    }
    try (var entries = Files.list(workspace)) {
      return entries.findAny().isEmpty();
    }
  }

  private static List<String> changes(Map<String, ObjectId> base, Map<String, LocalFile> local) {
    TreeSet<String> paths = new TreeSet<>(base.keySet());
    paths.addAll(local.keySet());
    List<String> out = new ArrayList<>();
    for (String p : paths) {
      LocalFile f = local.get(p);
      if (!Objects.equals(base.get(p), f == null ? null : f.id())) {
        out.add(p);
      }
    }
    return out;
  }

  private OptionalLong oldest(List<String> changed, Map<String, LocalFile> local) {
    long oldest = Long.MAX_VALUE;
    for (String p : changed) {
      LocalFile f = local.get(p);
      oldest = Math.min(oldest, f == null ? clock.millis() : f.modifiedMillis());
    }
    return oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest);
  }

  private static int changedIds(Map<String, ObjectId> base, Map<String, ObjectId> other) {
    Set<String> paths = new HashSet<>(base.keySet());
    paths.addAll(other.keySet());
    int n = 0;
    for (String p : paths) {
      if (!Objects.equals(base.get(p), other.get(p))) {
        n++;
      }
    }
    return n;
  }

  private void auditConflict(SyncConflict c) {
    Map<String, Object> details = new HashMap<>();
    details.put("id", c.id());
    details.put("kind", c.kind().label());
    details.put("resolution", c.resolution());
    details.put("remote_node", c.remoteNode());
    if (c.copyPath() != null) {
      details.put("copy", c.copyPath());
    }
    audit.append(
        new AuditEvent("sync.conflict", Severity.MEDIUM, settings.node(), c.path(), details));
  }

  private String subject(int localChanges, int conflicts) {
    return "nxs-sync: "
        + settings.node()
        + ": "
        + localChanges
        + " local change"
        + (localChanges == 1 ? "" : "s")
        + (conflicts == 0 ? "" : ", " + conflicts + " conflict" + (conflicts == 1 ? "" : "s"));
  }

  private PersonIdent ident(Instant now) {
    return new PersonIdent(
        settings.node(), "nxs-sync@" + NodeIdentity.hostName(), now, java.time.ZoneOffset.UTC);
  }

  private String describeRemote() {
    return Redaction.redact(settings.remote().replaceAll("//[^/@]*@", "//"))
        + "#"
        + settings.branch();
  }

  private static ThreeWayMerge.Blobs blobs(SyncRepository repo, ObjectInserter inserter) {
    return new ThreeWayMerge.Blobs() {
      @Override
      public byte[] read(ObjectId id) throws IOException {
        return repo.read(id);
      }

      @Override
      public ObjectId insert(byte[] content) throws IOException {
        return inserter.insert(Constants.OBJ_BLOB, content);
      }
    };
  }

  private static String reason(Exception e) {
    if (e instanceof SyncException || e instanceof RemoteException) {
      return Redaction.redact(e.getMessage());
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Redaction.redact("sync failed: " + m);
  }

  /** A short stable name for a workspace's directory under {@code <home>/sync}. */
  static String workspaceId(Path workspace) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(workspace.toString().getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
