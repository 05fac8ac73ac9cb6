package io.nxs.sync.internal;

import io.nxs.core.log.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * NXS's own bare git repository for one workspace (ADR 0081), under {@code <home>/sync/repo.git}:
 * the objects of every synced version, the remote's branch as last fetched, and {@code
 * refs/nxs/base}, the tree both this workspace and the remote agreed on at the last sync. The
 * workspace's own {@code .git} (OpenClaw's, or the operator's) is never touched.
 *
 * <p>All transport is JGit (fetch, push), never a {@code git} process. A push is not forced: the
 * commit it sends has the fetched remote head as its parent, so the remote takes it only when
 * nobody pushed meanwhile (a compare-and-swap on the branch).
 */
public final class SyncRepository implements AutoCloseable {

  /** The ref holding the last agreed version. */
  static final String BASE = "refs/nxs/base";

  private static final String OUTGOING = "refs/nxs/outgoing";

  private static final String LOCAL_BASE = "Nxs-Local-Base: ";

  private final Repository repo;
  private final Git git;
  private final String url;
  private final String branch;
  private final CredentialsProvider credentials;

  private SyncRepository(
      Repository repo, String url, String branch, CredentialsProvider credentials) {
    this.repo = repo;
    this.git = new Git(repo);
    this.url = url;
    this.branch = branch;
    this.credentials = credentials;
  }

  /**
   * Opens (creating when absent) the repository and points its {@code origin} at {@code url}. Lock
   * files a killed run left are removed: the caller holds the sync's own process lock, so no live
   * writer can own them.
   */
  public static SyncRepository open(Path gitDir, String url, String branch, Map<String, String> env)
      throws IOException {
    removeStaleLocks(gitDir);
    Repository repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
    if (!repo.getObjectDatabase().exists()) {
      repo.create(true);
    }
    StoredConfig c = repo.getConfig();
    c.setString("remote", "origin", "url", url);
    c.setString("remote", "origin", "fetch", "+refs/heads/*:refs/remotes/origin/*");
    c.setBoolean("gc", null, "auto", false);
    c.save();
    CredentialsProvider credentials = null;
    String password = env.get("NXS_GIT_PASSWORD");
    if (password != null && !password.isBlank()) {
      Redaction.register(password);
      String user = env.get("NXS_GIT_USERNAME");
      credentials = new UsernamePasswordCredentialsProvider(user == null ? "nxs" : user, password);
    }
    return new SyncRepository(repo, url, branch, credentials);
  }

  /**
   * Opens the repository to read it while a sync may be running (no lock removal, no config
   * change); a repository that does not exist yet reads as empty.
   */
  public static SyncRepository openReadOnly(Path gitDir, String url, String branch)
      throws IOException {
    Repository repo = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setBare().build();
    return new SyncRepository(repo, url, branch, null);
  }

  private static void removeStaleLocks(Path gitDir) throws IOException {
    if (!Files.isDirectory(gitDir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(gitDir)) {
      for (Path p : walk.filter(p -> p.getFileName().toString().endsWith(".lock")).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Where the remote is, without any credentials in it. */
  public String describe() {
    return url.replaceAll("//[^/@]*@", "//") + "#" + branch;
  }

  /** The last agreed commit, if any sync completed. */
  public Optional<ObjectId> base() throws IOException {
    Ref ref = repo.exactRef(BASE);
    return ref == null ? Optional.empty() : Optional.of(ref.getObjectId());
  }

  /**
   * The remote commit the base stands for: the base itself, or, when the base is a local commit
   * recording files the agent changed during the last run ({@link #baseWithDeferred}), its parent.
   */
  public Optional<ObjectId> agreed(Optional<ObjectId> base) throws IOException {
    if (base.isEmpty()) {
      return base;
    }
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(base.get());
      if (c.getFullMessage().contains("\n" + LOCAL_BASE) && c.getParentCount() == 1) {
        return Optional.of(c.getParent(0).copy());
      }
      return Optional.of(c.copy());
    }
  }

  /**
   * A local base commit (never pushed) on top of {@code agreed}: the merged files, except that the
   * deferred files keep the base they had, so the next run merges the agent's late change with the
   * merged version instead of taking one over the other.
   */
  public ObjectId baseWithDeferred(
      ObjectId agreed,
      Map<String, ObjectId> merged,
      Map<String, ObjectId> previousBase,
      Iterable<String> deferred,
      ObjectInserter inserter)
      throws IOException {
    Map<String, ObjectId> files = new TreeMap<>(merged);
    int n = 0;
    for (String p : deferred) {
      n++;
      ObjectId before = previousBase.get(p);
      if (before == null) {
        files.remove(p);
      } else {
        files.put(p, before);
      }
    }
    PersonIdent who = new PersonIdent("nxs-sync", "nxs-sync@localhost");
    return commit(
        files,
        Optional.of(agreed),
        "nxs-sync: local base\n\n" + LOCAL_BASE + n + " files changed during the sync\n",
        who,
        inserter);
  }

  /** Whether {@code ancestor} is {@code head} or in its history. */
  public boolean isAncestor(ObjectId ancestor, ObjectId head) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(head));
    } catch (MissingObjectException e) {
      return false;
    }
  }

  /** Moves {@link #BASE}. */
  public void setBase(ObjectId commit) throws IOException {
    RefUpdate u = repo.updateRef(BASE);
    u.setNewObjectId(commit);
    u.setForceUpdate(true);
    RefUpdate.Result r = u.update();
    if (r != RefUpdate.Result.NEW
        && r != RefUpdate.Result.FORCED
        && r != RefUpdate.Result.NO_CHANGE
        && r != RefUpdate.Result.FAST_FORWARD) {
      throw new IOException("cannot move " + BASE + " to " + commit.name() + ": " + r);
    }
  }

  /**
   * Fetches the remote's branches.
   *
   * @return the remote branch's head, or empty when the remote has no such branch yet
   * @throws RemoteException when the remote cannot be reached or is not a git repository
   */
  public Optional<ObjectId> fetch() throws IOException {
    try {
      var fetch = git.fetch().setRemote("origin").setRemoveDeletedRefs(true);
      if (credentials != null) {
        fetch.setCredentialsProvider(credentials);
      }
      fetch.call();
    } catch (GitAPIException | RuntimeException e) {
      throw new RemoteException(remoteProblem("fetch from", e), e);
    }
    Ref ref = repo.exactRef("refs/remotes/origin/" + branch);
    return ref == null ? Optional.empty() : Optional.of(ref.getObjectId());
  }

  /**
   * Pushes a commit to the branch, without force.
   *
   * @return true when the remote took it; false when the branch moved on meanwhile
   * @throws RemoteException when the remote is unreachable or refused for another reason
   */
  public boolean push(ObjectId commit) throws IOException {
    RefUpdate u = repo.updateRef(OUTGOING);
    u.setNewObjectId(commit);
    u.setForceUpdate(true);
    u.update();
    Iterable<PushResult> results;
    try {
      var push =
          git.push()
              .setRemote("origin")
              .setRefSpecs(new RefSpec(OUTGOING + ":refs/heads/" + branch));
      if (credentials != null) {
        push.setCredentialsProvider(credentials);
      }
      results = push.call();
    } catch (GitAPIException | RuntimeException e) {
      throw new RemoteException(remoteProblem("push to", e), e);
    }
    for (PushResult result : results) {
      for (RemoteRefUpdate update : result.getRemoteUpdates()) {
        switch (update.getStatus()) {
          case OK, UP_TO_DATE -> {}
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
            return false;
          }
          default ->
              throw new RemoteException(
                  "the remote "
                      + describe()
                      + " refused the push: "
                      + update.getStatus()
                      + (update.getMessage() == null ? "" : " (" + update.getMessage() + ")"),
                  null);
        }
      }
    }
    RefUpdate tracking = repo.updateRef("refs/remotes/origin/" + branch);
    tracking.setNewObjectId(commit);
    tracking.setForceUpdate(true);
    tracking.update();
    return true;
  }

  /** The files of a commit's tree by path; empty for no commit. */
  public Map<String, ObjectId> files(Optional<ObjectId> commit) throws IOException {
    TreeMap<String, ObjectId> files = new TreeMap<>();
    if (commit.isEmpty()) {
      return files;
    }
    try (RevWalk walk = new RevWalk(repo);
        TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(walk.parseCommit(commit.get()).getTree());
      tw.setRecursive(true);
      while (tw.next()) {
        if (tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
          files.put(tw.getPathString(), tw.getObjectId(0));
        }
      }
    }
    return files;
  }

  /**
   * What the commits from {@code head} back to (not including) {@code since} say about each file
   * they changed: who wrote it and when, newest first wins. A commit NXS did not make counts as
   * written by its author at its commit time.
   */
  public Map<String, CommitInfo.Written> writtenSince(ObjectId head, Optional<ObjectId> since)
      throws IOException {
    Map<String, CommitInfo.Written> written = new TreeMap<>();
    try (RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(head));
      if (since.isPresent()) {
        try {
          walk.markUninteresting(walk.parseCommit(since.get()));
        } catch (MissingObjectException expected) {
          // The base is not in this history (the remote was rewritten): walk it all.
        }
      }
      int seen = 0;
      for (RevCommit c : walk) {
        CommitInfo info = CommitInfo.parse(c);
        for (Map.Entry<String, Long> w : info.written().entrySet()) {
          written.putIfAbsent(w.getKey(), new CommitInfo.Written(w.getValue(), info.node()));
        }
        if (++seen >= CommitInfo.WALK_LIMIT) {
          break;
        }
      }
    }
    return written;
  }

  /** The fallback write time and author of a remote head, for files no NXS commit describes. */
  public CommitInfo.Written headInfo(ObjectId head) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(head);
      CommitInfo info = CommitInfo.parse(c);
      return new CommitInfo.Written(c.getCommitTime() * 1000L, info.node());
    }
  }

  /** A blob's bytes. */
  public byte[] read(ObjectId blob) throws IOException {
    try (ObjectReader reader = repo.newObjectReader()) {
      return reader.open(blob, Constants.OBJ_BLOB).getBytes(Integer.MAX_VALUE);
    }
  }

  /** Opens a blob for streaming (large files). */
  public org.eclipse.jgit.lib.ObjectLoader open(ObjectId blob) throws IOException {
    try (ObjectReader reader = repo.newObjectReader()) {
      return reader.open(blob, Constants.OBJ_BLOB);
    }
  }

  /** A new inserter; the caller flushes and closes it. */
  public ObjectInserter newInserter() {
    return repo.newObjectInserter();
  }

  /**
   * Writes a commit of exactly these files.
   *
   * @param parent the fetched remote head, if the remote has one
   */
  public ObjectId commit(
      Map<String, ObjectId> files,
      Optional<ObjectId> parent,
      String message,
      PersonIdent who,
      ObjectInserter inserter)
      throws IOException {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder b = index.builder();
    for (Map.Entry<String, ObjectId> f : new TreeMap<>(files).entrySet()) {
      DirCacheEntry e = new DirCacheEntry(f.getKey());
      e.setFileMode(FileMode.REGULAR_FILE);
      e.setObjectId(f.getValue());
      b.add(e);
    }
    b.finish();
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(index.writeTree(inserter));
    parent.ifPresent(commit::setParentId);
    commit.setAuthor(who);
    commit.setCommitter(who);
    commit.setMessage(message);
    ObjectId id = inserter.insert(commit);
    inserter.flush();
    return id;
  }

  /** Commits reachable from the remote head, newest first, at most {@code limit}. */
  public List<CommitInfo> history(ObjectId head, int limit) throws IOException {
    List<CommitInfo> out = new ArrayList<>();
    try (RevWalk walk = new RevWalk(repo)) {
      walk.markStart(walk.parseCommit(head));
      for (RevCommit c : walk) {
        out.add(CommitInfo.parse(c));
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return out;
  }

  /** The repository, for tests that inspect it. */
  Repository repository() {
    return repo;
  }

  @Override
  public void close() {
    git.close();
    repo.close();
  }

  private String remoteProblem(String what, Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof NoRemoteRepositoryException) {
        break;
      }
      root = root.getCause();
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (root instanceof NoRemoteRepositoryException
        || (e instanceof TransportException
            && reason.contains("not found")
            && !reason.contains("Connection"))) {
      return "cannot "
          + what
          + " "
          + describe()
          + ": it is missing or not a git repository (an unmounted share or a lost mount looks"
          + " the same; for a new remote, create one with 'git init --bare' and point sync.remote"
          + " at it)";
    }
    if (e.getCause() != null
        && e.getCause().getMessage() != null
        && !reason.contains(e.getCause().getMessage())) {
      reason = reason + ": " + e.getCause().getMessage();
    }
    return "cannot " + what + " " + describe() + ": " + Redaction.redact(reason);
  }
}
