package io.nxs.vault.internal;

import io.nxs.core.log.Redaction;
import io.nxs.core.state.SecureFiles;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.eclipse.jgit.api.AddCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.RmCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.util.FileUtils;

/**
 * A repository on a branch of a git remote (JGit). See ADR 0056.
 *
 * <p>The remote is the truth; a clone under {@code <home>/vault/git/<hash of url and branch>} is a
 * cache. Objects are files in the clone's working tree. {@link #putBatched} and {@link #delete}
 * only change the working tree; {@link #flush} and {@link #put} commit every pending change and
 * push it, and return once the remote has the commit. A snapshot's blobs are pushed (flush) before
 * the commit holding its manifest (put), so a reader of the remote sees a snapshot whole or not at
 * all. A push is a compare-and-swap on the branch: it fails when someone else pushed meanwhile;
 * then the remote is fetched, merged (the two sides add objects under different names) and the push
 * tried again. {@link #putIfAbsent} relies on the same swap: it creates the file only when the
 * freshly fetched branch lacks it, and starts over when its push is refused.
 *
 * <p>Reads come from the clone; {@link #list} first fetches and moves the clone to the remote's
 * branch when nothing is pending, so another machine's snapshots show. What was never pushed (a
 * crash between write and push) is thrown away when the target opens: it was never acknowledged.
 *
 * <p>Remotes: {@code file://} and plain paths, and {@code http(s)://} with the user name and
 * password or token from {@code NXS_GIT_USERNAME} and {@code NXS_GIT_PASSWORD} when set.
 */
public final class GitTarget implements Target {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GitTarget.class);

  private static final int PUSH_TRIES = 10;

  private final String url;
  private final String branch;
  private final Path dir;
  private final DirectoryStore files;
  private final Git git;
  private final CredentialsProvider credentials;
  private final Set<String> pendingAdd = ConcurrentHashMap.newKeySet();
  private final Set<String> pendingRemove = ConcurrentHashMap.newKeySet();

  private GitTarget(String url, String branch, Path dir, Git git, CredentialsProvider credentials) {
    this.url = url;
    this.branch = branch;
    this.dir = dir;
    this.files = new DirectoryStore(dir, dir.resolve(".git"));
    this.git = git;
    this.credentials = credentials;
  }

  /**
   * Opens the target: clones into the cache (or reuses the clone), fetches, and puts the clone at
   * the remote branch.
   *
   * @throws VaultException when the remote cannot be reached or the clone cannot be made
   */
  public static GitTarget open(String url, String branch, Path cacheRoot) {
    return open(url, branch, cacheRoot, System.getenv());
  }

  static GitTarget open(String url, String branch, Path cacheRoot, Map<String, String> env) {
    Path dir = cacheRoot.toAbsolutePath().resolve(hash(url + "#" + branch));
    CredentialsProvider credentials = null;
    String user = env.get("NXS_GIT_USERNAME");
    String password = env.get("NXS_GIT_PASSWORD");
    if (password != null && !password.isBlank()) {
      Redaction.register(password);
      credentials = new UsernamePasswordCredentialsProvider(user == null ? "nxs" : user, password);
    }
    try {
      SecureFiles.ensureDirectory(cacheRoot.toAbsolutePath());
      Git git;
      if (Files.isDirectory(dir.resolve(".git"))) {
        git = Git.open(dir.toFile());
      } else {
        git = Git.init().setDirectory(dir.toFile()).setInitialBranch(branch).call();
        StoredConfig c = git.getRepository().getConfig();
        c.setString("remote", "origin", "url", url);
        c.setString("remote", "origin", "fetch", refSpec(branch).toString());
        c.setBoolean("core", null, "autocrlf", false);
        c.save();
      }
      // Objects are sealed (encrypted, so incompressible and never alike): spare the CPU that
      // zlib and delta search would spend on them.
      StoredConfig c = git.getRepository().getConfig();
      c.setInt("core", null, "compression", 1);
      c.setString("core", null, "bigFileThreshold", "64k");
      c.setBoolean("pack", null, "deltaCompression", false);
      c.setBoolean("gc", null, "auto", false);
      c.save();
      GitTarget target = new GitTarget(url, branch, dir, git, credentials);
      target.sync();
      return target;
    } catch (IOException | GitAPIException | RuntimeException e) {
      throw new VaultException(
          "cannot open the git target " + where(url, branch) + ": " + reason(e), e);
    }
  }

  @Override
  public String describe() {
    return where(url, branch);
  }

  /** The local clone. */
  public Path cloneDirectory() {
    return dir;
  }

  @Override
  public synchronized void put(String key, byte[] data) throws IOException {
    write(key, data);
    pendingAdd.add(key);
    pendingRemove.remove(key);
    commitAndPush("nxs-vault: " + key);
  }

  @Override
  public void putBatched(String key, byte[] data) throws IOException {
    write(key, data);
    pendingAdd.add(key);
  }

  @Override
  public synchronized void flush() throws IOException {
    commitAndPush(
        "nxs-vault: " + pendingAdd.size() + " objects added, " + pendingRemove.size() + " removed");
  }

  /**
   * Creates the object when the branch on the remote lacks it: the check runs on a fresh fetch and
   * the push fails when the branch moved meanwhile, so two writers never both get true.
   */
  @Override
  public synchronized boolean putIfAbsent(String key, byte[] data) throws IOException {
    commitAndPush("nxs-vault: pending objects");
    for (int i = 0; i < PUSH_TRIES; i++) {
      sync();
      if (Files.exists(path(key))) {
        return false;
      }
      write(key, data);
      pendingAdd.add(key);
      if (commitAndPushOnce("nxs-vault: " + key)) {
        return true;
      }
    }
    sync();
    throw new IOException(
        "cannot create " + key + " at " + describe() + ": the branch kept moving");
  }

  @Override
  public byte[] get(String key) throws IOException {
    return files.get(key);
  }

  @Override
  public Sealer.Plain get(String key, Sealer.Scratch into) throws IOException {
    return files.get(key, into);
  }

  @Override
  public OptionalLong size(String key) throws IOException {
    return files.size(key);
  }

  @Override
  public synchronized List<String> list(String prefix) throws IOException {
    if (pendingAdd.isEmpty() && pendingRemove.isEmpty()) {
      sync();
    }
    return files.list(prefix);
  }

  /**
   * Removes the object from the working tree; the removal reaches the remote at the next flush or
   * put.
   */
  @Override
  public synchronized void delete(String key) throws IOException {
    if (Files.deleteIfExists(path(key))) {
      pendingRemove.add(key);
      pendingAdd.remove(key);
    }
  }

  /**
   * Removes files no commit holds (temporary files, writes a crash cut short before their push)
   * when nothing is pending; the clone is also reset to the remote when the target opens.
   */
  @Override
  public synchronized int removeLeftovers(Instant olderThan) throws IOException {
    if (!pendingAdd.isEmpty() || !pendingRemove.isEmpty()) {
      return 0;
    }
    try {
      return git.clean().setCleanDirectories(true).setForce(true).call().size();
    } catch (GitAPIException e) {
      throw new IOException("cannot clean the clone of " + describe() + ": " + reason(e), e);
    }
  }

  @Override
  public synchronized void close() {
    git.close();
  }

  /** Fetches the branch and puts the clone exactly at it (or empty when the remote has none). */
  private void sync() throws IOException {
    try {
      fetch();
      resetToRemote();
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot fetch " + describe() + ": " + reason(e), e);
    }
  }

  /**
   * Fetches the branch; when the remote has no such branch (a new remote), forgets the tracking ref
   * instead, as a fetch of a missing ref is an error.
   */
  private void fetch() throws GitAPIException, IOException {
    var ls = git.lsRemote().setRemote("origin").setHeads(true);
    if (credentials != null) {
      ls.setCredentialsProvider(credentials);
    }
    boolean present = ls.call().stream().anyMatch(r -> r.getName().equals("refs/heads/" + branch));
    if (!present) {
      if (git.getRepository().exactRef("refs/remotes/origin/" + branch) != null) {
        RefUpdate u = git.getRepository().updateRef("refs/remotes/origin/" + branch);
        u.setForceUpdate(true);
        u.delete();
      }
      return;
    }
    var fetch = git.fetch().setRemote("origin").setRefSpecs(refSpec(branch));
    if (credentials != null) {
      fetch.setCredentialsProvider(credentials);
    }
    fetch.call();
  }

  /** Moves the local branch to the last fetched remote branch and drops every local change. */
  private void resetToRemote() throws IOException, GitAPIException {
    pendingAdd.clear();
    pendingRemove.clear();
    Ref remote = git.getRepository().exactRef("refs/remotes/origin/" + branch);
    RefUpdate u = git.getRepository().updateRef("refs/heads/" + branch);
    if (remote == null) {
      // The remote has no such branch yet: start from nothing.
      if (git.getRepository().exactRef("refs/heads/" + branch) != null) {
        u.setForceUpdate(true);
        u.delete();
      }
      try (Stream<Path> list = Files.list(dir)) {
        for (Path p : list.filter(p -> !p.getFileName().toString().equals(".git")).toList()) {
          FileUtils.delete(p.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
        }
      }
      Files.deleteIfExists(dir.resolve(".git").resolve("index"));
      return;
    }
    u.setNewObjectId(remote.getObjectId());
    u.setForceUpdate(true);
    u.update();
    git.reset().setMode(ResetCommand.ResetType.HARD).setRef(remote.getObjectId().name()).call();
    git.clean().setCleanDirectories(true).setForce(true).call();
  }

  private void commitAndPush(String message) throws IOException {
    if (pendingAdd.isEmpty() && pendingRemove.isEmpty()) {
      return;
    }
    for (int i = 0; i < PUSH_TRIES; i++) {
      if (commitAndPushOnce(message)) {
        return;
      }
      // Someone else pushed: fetch, merge their objects with ours, try again.
      if (!mergeRemote()) {
        resetQuietly();
        throw new IOException(
            "cannot push to "
                + describe()
                + ": the branch changed on the remote in a way that"
                + " conflicts with this write; give each NXS its own branch");
      }
    }
    resetQuietly();
    throw new IOException("cannot push to " + describe() + ": the branch kept moving");
  }

  /**
   * Commits what is pending (if anything) and pushes.
   *
   * @return false when the push was refused because the remote branch moved on
   */
  private boolean commitAndPushOnce(String message) throws IOException {
    try {
      if (!pendingAdd.isEmpty() || !pendingRemove.isEmpty()) {
        if (!pendingAdd.isEmpty()) {
          AddCommand add = git.add();
          new TreeSet<>(pendingAdd).forEach(add::addFilepattern);
          add.call();
        }
        if (!pendingRemove.isEmpty()) {
          RmCommand rm = git.rm().setCached(true);
          new TreeSet<>(pendingRemove).forEach(rm::addFilepattern);
          rm.call();
        }
        PersonIdent who = new PersonIdent("NXS vault", "nxs@" + HostName.get());
        git.commit()
            .setMessage(message)
            .setAuthor(who)
            .setCommitter(who)
            .setSign(false)
            .setAllowEmpty(true)
            .call();
        pendingAdd.clear();
        pendingRemove.clear();
      }
      var push =
          git.push()
              .setRemote("origin")
              .setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch));
      if (credentials != null) {
        push.setCredentialsProvider(credentials);
      }
      for (PushResult result : push.call()) {
        for (RemoteRefUpdate update : result.getRemoteUpdates()) {
          switch (update.getStatus()) {
            case OK, UP_TO_DATE -> {}
            case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
              return false;
            }
            default -> {
              if (update.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
                  && update.getMessage() != null
                  && update.getMessage().contains("lock")) {
                // Another push holds the remote ref's lock right now: try again shortly.
                backOff();
                return false;
              }
              resetQuietly();
              throw new IOException(
                  "the remote "
                      + describe()
                      + " refused the push: "
                      + update.getStatus()
                      + (update.getMessage() == null ? "" : " " + update.getMessage()));
            }
          }
        }
      }
      // Remember the remote is now where we are, as a fetch would.
      ObjectId head = git.getRepository().resolve("refs/heads/" + branch);
      RefUpdate u = git.getRepository().updateRef("refs/remotes/origin/" + branch);
      u.setNewObjectId(head);
      u.setForceUpdate(true);
      u.update();
      return true;
    } catch (GitAPIException | RuntimeException e) {
      resetQuietly();
      throw new IOException("cannot push to " + describe() + ": " + reason(e), e);
    }
  }

  private static void backOff() {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(20, 200));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fetches and merges the remote branch into ours; false on a conflict. */
  private boolean mergeRemote() throws IOException {
    try {
      fetch();
      Ref remote = git.getRepository().exactRef("refs/remotes/origin/" + branch);
      return remote != null
          && git.merge()
              .include(remote)
              .setCommit(true)
              .setMessage("nxs-vault: merge")
              .call()
              .getMergeStatus()
              .isSuccessful();
    } catch (GitAPIException | RuntimeException e) {
      throw new IOException("cannot merge " + describe() + ": " + reason(e), e);
    }
  }

  /** After a failed write: back to the last known remote state (what was not pushed is gone). */
  private void resetQuietly() {
    try {
      resetToRemote();
    } catch (IOException | GitAPIException | RuntimeException e) {
      // The next open resets the clone again.
      LOG.warn("the clone of {} was not reset after a failed write: {}", describe(), reason(e));
    }
  }

  private void write(String key, byte[] data) throws IOException {
    // Durable once committed and pushed: git makes its own objects durable, the file need not be.
    files.write(key, data, false);
  }

  private Path path(String key) {
    return files.path(key);
  }

  private static RefSpec refSpec(String branch) {
    return new RefSpec("+refs/heads/" + branch + ":refs/remotes/origin/" + branch);
  }

  static String where(String url, String branch) {
    return "git:" + url.replaceAll("//[^/@]*@", "//") + "#" + branch;
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    Throwable c = e.getCause();
    if (c != null && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
      m = (m == null ? "" : m + ": ") + c.getMessage();
    }
    return Redaction.redact(m == null ? e.getClass().getSimpleName() : m);
  }

  private static String hash(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
