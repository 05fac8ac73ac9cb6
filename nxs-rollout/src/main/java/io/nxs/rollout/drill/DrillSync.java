package io.nxs.rollout.drill;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Workspace sync on a drill's scratch instance: a workspace directory and a bare git repository
 * standing for the shared remote, both in the scratch directory, and the scratch daemon syncing
 * them every {@value #INTERVAL}. The drill talks to the daemon's sync only through its API ({@code
 * /api/v1/sync}); the remote is the drill's own scratch data, read here with JGit.
 *
 * <p>A remote given by path is reached through the file system, not the network, so the drill cuts
 * it off as an unmounted share or a lost mesh-VPN mount looks to NXS: the repository is moved away
 * ({@link #cut}) and moved back ({@link #heal}).
 */
final class DrillSync {

  static final String INTERVAL = "2s";
  private static final String BRANCH = "main";

  private final Path workspace;
  private final Path remote;
  private final Path away;

  /** Creates the workspace and an empty bare remote in the scratch directory. */
  DrillSync(ScratchInstance scratch) throws IOException {
    this.workspace = Files.createDirectories(scratch.dir().resolve("workspace"));
    this.remote = scratch.dir().resolve("remote.git");
    this.away = scratch.dir().resolve("remote-away.git");
    try {
      Git.init()
          .setBare(true)
          .setDirectory(remote.toFile())
          .setInitialBranch(BRANCH)
          .call()
          .close();
    } catch (GitAPIException e) {
      throw new IOException("cannot create the drill's bare remote " + remote + ": " + e, e);
    }
  }

  /** Adds the {@code sync:} section naming the workspace and the remote to the scratch config. */
  void configure(ScratchInstance scratch) throws IOException {
    Files.writeString(
        scratch.home().resolve("nxs.yaml"),
        """
        sync:
          remote: "%s"
          workspace: "%s"
          interval: %s
          branch: %s
          node: drill
        """
            .formatted(remote, workspace, INTERVAL, BRANCH),
        StandardOpenOption.APPEND);
  }

  /** Writes a file into the workspace, as the agent would. */
  void write(String path, String content) throws IOException {
    Path file = workspace.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  /** The file's content in the workspace, or empty when it is gone. */
  Optional<String> read(String path) throws IOException {
    Path file = workspace.resolve(path);
    return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
  }

  /** The remote becomes unreachable: its repository is moved away. */
  void cut() throws IOException {
    Files.move(remote, away, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The remote is reachable again. */
  void heal() throws IOException {
    Files.move(away, remote, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One run through the daemon ({@code POST /api/v1/sync/now}): its report, or its error body. */
  static JsonNode syncNow(ScratchInstance scratch) throws IOException, InterruptedException {
    return Json.mapper().readTree(scratch.api("POST", "/api/v1/sync/now", null).body());
  }

  /** The daemon's sync status ({@code GET /api/v1/sync}). */
  static JsonNode status(ScratchInstance scratch) throws IOException, InterruptedException {
    return Json.mapper().readTree(scratch.api("GET", "/api/v1/sync", null).body());
  }

  /** The head commit of the remote's branch, or empty when it has none (or is away). */
  Optional<String> remoteHead() throws IOException {
    if (!Files.isDirectory(remote)) {
      return Optional.empty();
    }
    try (Repository repo = open()) {
      Ref head = repo.exactRef("refs/heads/" + BRANCH);
      return Optional.ofNullable(head).map(r -> r.getObjectId().name());
    }
  }

  /** The file's content in the remote branch's head commit, or empty when it is not there. */
  Optional<String> remoteFile(String path) throws IOException {
    Optional<String> head = remoteHead();
    if (head.isEmpty()) {
      return Optional.empty();
    }
    try (Repository repo = open();
        RevWalk walk = new RevWalk(repo)) {
      try (TreeWalk tw =
          TreeWalk.forPath(
              repo, path, walk.parseCommit(ObjectId.fromString(head.get())).getTree())) {
        return tw == null
            ? Optional.empty()
            : Optional.of(
                new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  private Repository open() throws IOException {
    return new FileRepositoryBuilder().setGitDir(remote.toFile()).setBare().build();
  }
}
