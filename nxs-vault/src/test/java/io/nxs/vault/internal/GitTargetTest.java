package io.nxs.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The target contract against a local bare repository reached through a file:// URL. */
class GitTargetTest extends TargetContract {

  @TempDir Path dir;
  private String url;
  private int clones;

  @Override
  protected Target create() throws Exception {
    Path bare = Files.createTempDirectory(dir, "remote");
    Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
    url = bare.toUri().toString();
    return again();
  }

  @Override
  protected Target again() {
    // Each handle is its own clone, as on another machine.
    return GitTarget.open(url, "main", dir.resolve("cache-" + clones++), Map.of());
  }

  @Test
  void aSnapshotsManifestReachesTheRemoteInACommitAfterItsBlobs() throws Exception {
    target.putBatched("blobs/ab/ab01", "blob".getBytes());
    target.flush();
    target.put("snapshots/s1", "manifest".getBytes());

    try (Git remote = Git.open(Path.of(java.net.URI.create(url)).toFile())) {
      Ref main = remote.getRepository().exactRef("refs/heads/main");
      assertThat(main).isNotNull();
      RevCommit head = remote.getRepository().parseCommit(main.getObjectId());
      assertThat(head.getFullMessage()).contains("snapshots/s1");
      RevCommit parent = remote.getRepository().parseCommit(head.getParent(0));
      assertThat(parent.getFullMessage()).contains("1 objects added");
    }
  }

  @Test
  void writesNeverPushedAreDroppedWhenTheCloneIsOpenedAgain() throws Exception {
    target.put("snapshots/pushed", "yes".getBytes());
    target.putBatched("blobs/cd/cd02", "never flushed".getBytes());
    Path clone = ((GitTarget) target).cloneDirectory();
    target.close();

    target = GitTarget.open(url, "main", clone.getParent(), Map.of());

    assertThat(target.list("")).containsExactly("snapshots/pushed");
  }

  @Test
  void aBranchOtherThanMainIsUsedWhenConfigured() throws Exception {
    try (GitTarget other = GitTarget.open(url, "laptop", dir.resolve("cache-laptop"), Map.of())) {
      other.put("snapshots/on-laptop", "x".getBytes());
    }

    try (Git remote = Git.open(Path.of(java.net.URI.create(url)).toFile())) {
      assertThat(remote.getRepository().exactRef("refs/heads/laptop")).isNotNull();
    }
    assertThat(target.list("snapshots/")).isEmpty();
  }
}
