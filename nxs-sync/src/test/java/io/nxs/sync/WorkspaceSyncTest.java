package io.nxs.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.audit.AuditEntry;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.ext.MetricSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances, each with a workspace made by the real OpenClaw, syncing through a bare git
 * repository on disk, with the seed's manifest: every conflict kind of SPEC SY3, the excludes of
 * SY4, a remote that is down, refuses or is not git, and what the operator sees.
 */
class WorkspaceSyncTest {

  static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir Path dir;
  BareRemote remote;
  SyncNode a;
  SyncNode b;

  @BeforeEach
  void twoInstancesAndARemote() throws Exception {
    remote = BareRemote.create(dir.resolve("remote.git"));
    a = SyncNode.create(dir, "home", remote.url(), SyncManifest.defaults());
    b = SyncNode.create(dir, "cloud", remote.url(), SyncManifest.defaults());
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void aNewFileWrittenOnOneInstanceReachesTheOtherAndOnlyIncludedFilesLeave() throws Exception {
    a.write("memory/2026-12-06.md", "# 2026-12-06\n- met the user\n", at(1));
    a.write("MEMORY.md", "# Memory\nThe user likes tea.\n", at(2));
    a.write("DECISION-LOG.md", "# Decisions\n## 2026-12-06 10:03 chose SQLite\n", at(3));

    SyncReport first = a.sync();
    SyncReport second = b.sync();

    assertThat(first.ok()).as(first.error()).isTrue();
    assertThat(first.pushed()).isTrue();
    assertThat(first.localChanges()).isEqualTo(3);
    assertThat(second.ok()).as(second.error()).isTrue();
    assertThat(second.applied()).isEqualTo(3);
    assertThat(b.read("memory/2026-12-06.md")).isEqualTo("# 2026-12-06\n- met the user\n");
    assertThat(b.read("MEMORY.md")).isEqualTo("# Memory\nThe user likes tea.\n");
    // OpenClaw's own bootstrap files and its .git are not in the seed's include list.
    assertThat(remote.files().keySet())
        .containsExactly("DECISION-LOG.md", "MEMORY.md", "memory/2026-12-06.md");
    assertThat(a.exists("AGENTS.md")).isTrue();
    assertThat(a.audited("sync.run")).hasSize(1);
  }

  @Test
  void excludedFilesNeverReachTheRemoteEvenWhenTheManifestIncludesThem() throws Exception {
    SyncManifest greedy =
        SyncManifest.parse(
            """
            sync:
              include: ["**/*.md", "credentials/**", "*.log", "cache/**", "*.tmp"]
              exclude: ["*.tmp", "*.log", "credentials/**", "cache/**"]
            """,
            "greedy.yaml");
    a.connect(remote.url(), greedy);
    a.write("MEMORY.md", "kept\n", at(1));
    a.write("credentials/openai.md", "sk-planted-secret-1\n", at(1));
    a.write("memory/credentials/nested.md", "sk-planted-secret-2\n", at(1));
    a.write("memory/draft.md.tmp", "planted-tmp\n", at(1));
    a.write("memory/agent.log", "planted-log\n", at(1));
    a.write("cache/page.md", "planted-cache\n", at(1));
    a.write("memory/cache/page.md", "planted-cache-2\n", at(1));

    assertThat(a.sync().ok()).isTrue();

    List<String> committed = remote.everyPathEverCommitted();
    assertThat(committed).contains("MEMORY.md", "AGENTS.md"); // OpenClaw's own *.md are in
    assertThat(committed)
        .noneMatch(
            p ->
                p.startsWith("credentials/")
                    || p.contains("/credentials/")
                    || p.startsWith("cache/")
                    || p.contains("/cache/")
                    || p.endsWith(".tmp")
                    || p.endsWith(".log"));
    for (String planted :
        List.of(
            "sk-planted-secret-1\n",
            "sk-planted-secret-2\n",
            "planted-tmp\n",
            "planted-log\n",
            "planted-cache\n",
            "planted-cache-2\n")) {
      assertThat(remote.holdsBlob(planted)).as(planted).isFalse();
    }
    assertThat(remote.holdsBlob("kept\n")).isTrue();
    assertThat(b.sync().ok()).isTrue();
    assertThat(b.exists("credentials/openai.md")).isFalse();
  }

  @Test
  void appendMergesBothSidesNewEntriesOnceInTimeOrder() throws Exception {
    a.write(
        "DECISION-LOG.md", "# Decision log\n\n## 2026-12-05 09:00 use SQLite\nWAL mode.\n", at(0));
    a.sync();
    b.sync();
    a.write(
        "DECISION-LOG.md",
        b.read("DECISION-LOG.md")
            + "## 2026-12-06 14:00 use JGit\nNo shelling out.\n"
            + "## 2026-12-06 11:00 both decided this\n",
        at(10));
    b.write(
        "DECISION-LOG.md",
        b.read("DECISION-LOG.md")
            + "## 2026-12-06 11:00 both decided this\n"
            + "## 2026-12-06 13:00 keep the seed's manifest\n",
        at(11));

    a.sync();
    SyncReport merging = b.sync();
    a.sync();

    String expected =
        "# Decision log\n\n## 2026-12-05 09:00 use SQLite\nWAL mode.\n"
            + "## 2026-12-06 11:00 both decided this\n"
            + "## 2026-12-06 13:00 keep the seed's manifest\n"
            + "## 2026-12-06 14:00 use JGit\nNo shelling out.\n";
    assertThat(b.read("DECISION-LOG.md")).isEqualTo(expected);
    assertThat(a.read("DECISION-LOG.md")).isEqualTo(expected);
    assertThat(remote.files().get("DECISION-LOG.md")).isEqualTo(expected);
    assertThat(merging.conflicts())
        .singleElement()
        .satisfies(c -> assertThat(c.kind()).isEqualTo(SyncConflict.Kind.MERGED));
    List<AuditEntry> audited = b.audited("sync.conflict");
    assertThat(audited)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.target()).isEqualTo("DECISION-LOG.md");
              assertThat(e.details()).containsEntry("kind", "merged");
            });
  }

  @Test
  void replaceKeepsTheLaterWriteAndTheOtherAsAConflictCopyWhicheverSyncsFirst() throws Exception {
    a.write("MEMORY.md", "v0\n", at(0));
    a.sync();
    b.sync();
    a.write("MEMORY.md", "home's later edit\n", at(20));
    b.write("MEMORY.md", "cloud's earlier edit\n", at(10));

    // The later writer syncs second: its version wins on the remote.
    b.sync();
    SyncReport resolving = a.sync();
    b.sync();

    String copy = "MEMORY.conflict-20261206T101000Z-cloud.md";
    for (SyncNode n : List.of(a, b)) {
      assertThat(n.read("MEMORY.md")).isEqualTo("home's later edit\n");
      assertThat(n.read(copy)).isEqualTo("cloud's earlier edit\n");
    }
    assertThat(resolving.conflicts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(SyncConflict.Kind.LAST_WRITE_WINS);
              assertThat(c.copyPath()).isEqualTo(copy);
              assertThat(c.remoteNode()).isEqualTo("cloud");
            });

    // Now the earlier writer syncs second: the remote's (later) version stays, ours is the copy.
    a.write("MEMORY.md", "home's edit at 30\n", at(30));
    b.write("MEMORY.md", "cloud's edit at 40\n", at(40));
    b.sync();
    a.sync();
    b.sync();
    for (SyncNode n : List.of(a, b)) {
      assertThat(n.read("MEMORY.md")).isEqualTo("cloud's edit at 40\n");
      assertThat(n.read("MEMORY.conflict-20261206T103000Z-home.md"))
          .isEqualTo("home's edit at 30\n");
    }
    assertThat(a.audited("sync.conflict")).hasSize(2);
    assertThat(a.sync.status(new HealthSource.Health(HealthSource.Status.UP, "ok")).conflicts())
        .extracting(SyncConflict::path)
        .containsOnly("MEMORY.md");
  }

  @Test
  void appendDateNeverOverwritesACollidingDailyFile() throws Exception {
    a.write("memory/2026-12-06.md", "home's day\n", at(5));
    b.write("memory/2026-12-06.md", "cloud's day\n", at(6));

    a.sync();
    SyncReport colliding = b.sync();
    a.sync();

    String dated = "memory/2026-12-06.20261206T100600Z-cloud.md";
    for (SyncNode n : List.of(a, b)) {
      assertThat(n.read("memory/2026-12-06.md")).isEqualTo("home's day\n");
      assertThat(n.read(dated)).isEqualTo("cloud's day\n");
    }
    assertThat(colliding.conflicts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(SyncConflict.Kind.DATED_COPY);
              assertThat(c.copyPath()).isEqualTo(dated);
            });
  }

  @Test
  void deletedOnOneSideAndModifiedOnTheOtherKeepsTheModifiedOneEitherWay() throws Exception {
    a.write("memory/tasks.md", "- [ ] call\n", at(0));
    a.write("memory/notes.md", "note v0\n", at(0));
    a.sync();
    b.sync();

    // Deleted here first, modified there second.
    a.delete("memory/tasks.md");
    b.write("memory/tasks.md", "- [x] call (done on cloud)\n", at(5));
    // Modified here first, deleted there second.
    a.write("memory/notes.md", "note v1 from home\n", at(6));
    b.delete("memory/notes.md");

    a.sync();
    SyncReport second = b.sync();
    a.sync();

    for (SyncNode n : List.of(a, b)) {
      assertThat(n.read("memory/tasks.md")).isEqualTo("- [x] call (done on cloud)\n");
      assertThat(n.read("memory/notes.md")).isEqualTo("note v1 from home\n");
    }
    assertThat(second.conflicts())
        .extracting(SyncConflict::path, SyncConflict::kind)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "memory/notes.md", SyncConflict.Kind.DELETED_AND_MODIFIED),
            org.assertj.core.groups.Tuple.tuple(
                "memory/tasks.md", SyncConflict.Kind.DELETED_AND_MODIFIED));
    assertThat(b.audited("sync.conflict")).hasSize(2);
  }

  @Test
  void aDeletionWithoutAConflictPropagates() throws Exception {
    a.write("memory/old.md", "old\n", at(0));
    a.sync();
    b.sync();
    b.delete("memory/old.md");
    b.sync();
    a.sync();
    assertThat(a.exists("memory/old.md")).isFalse();
    assertThat(remote.files()).doesNotContainKey("memory/old.md");
  }

  @Test
  void aRemoteThatIsDownLeavesTheWorkspaceUntouchedDegradesAndTheNextRunRetries() throws Exception {
    a.write("MEMORY.md", "v1\n", at(0));
    a.sync();
    b.sync();
    b.write("MEMORY.md", "v2 from cloud\n", at(5));
    b.sync();
    a.write("memory/2026-12-06.md", "written while the remote was away\n", at(6));
    Map<String, String> before = a.files();
    Path away = dir.resolve("remote-away.git");
    Files.move(remote.dir, away);

    SyncReport down = a.sync();
    SyncReport stillDown = a.sync();

    assertThat(down.ok()).isFalse();
    assertThat(down.error()).contains("cannot fetch from", remote.url());
    assertThat(stillDown.ok()).isFalse();
    assertThat(a.files()).isEqualTo(before);
    SyncHealth health = new SyncHealth(a.sync, a.clock);
    assertThat(health.check().status()).isEqualTo(HealthSource.Status.DEGRADED);
    assertThat(health.check().detail()).contains("the last sync failed", "cannot fetch");
    assertThat(a.audited("sync.failed")).hasSize(1);
    a.clock.advance(Duration.ofMinutes(10));
    assertThat(metric(health, "sync.latency_seconds")).isGreaterThan(0);

    Files.move(away, remote.dir);
    SyncReport back = a.sync();

    assertThat(back.ok()).as(back.error()).isTrue();
    assertThat(a.read("MEMORY.md")).isEqualTo("v2 from cloud\n");
    assertThat(remote.files())
        .containsEntry("memory/2026-12-06.md", "written while the remote was away\n");
    assertThat(health.check().status()).isEqualTo(HealthSource.Status.UP);
    assertThat(a.audited("sync.recovered")).hasSize(1);
  }

  @Test
  void aRemoteThatRefusesThePushDegradesWithTheReasonAndTouchesNothing() throws Exception {
    a.write("MEMORY.md", "v1\n", at(0));
    a.sync();
    try (Repository bare = remote.open()) {
      StoredConfig c = bare.getConfig();
      c.setInt("receive", null, "maxCommandBytes", 1);
      c.save();
    }
    a.write("MEMORY.md", "v2\n", at(5));
    Map<String, String> before = a.files();

    SyncReport refused = a.sync();

    assertThat(refused.ok()).isFalse();
    assertThat(refused.error()).contains("push to");
    assertThat(a.files()).isEqualTo(before);
    assertThat(remote.files()).containsEntry("MEMORY.md", "v1\n");
    assertThat(new SyncHealth(a.sync, a.clock).check().detail()).contains("push to");
  }

  @Test
  void aRemoteThatIsNotGitIsAClearErrorAndNothingIsLost() throws Exception {
    Path plain = Files.createDirectories(dir.resolve("just-a-directory"));
    Files.writeString(plain.resolve("README"), "not a repository");
    a.connect(plain.toString(), SyncManifest.defaults());
    a.write("MEMORY.md", "precious\n", at(0));
    Map<String, String> before = a.files();

    SyncReport r = a.sync();

    assertThat(r.ok()).isFalse();
    assertThat(r.error()).contains("missing or not a git repository", "git init --bare");
    assertThat(a.files()).isEqualTo(before);
    try (var list = Files.list(plain)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("README");
    }
  }

  @Test
  void aNewOrRewrittenRemoteIsMergedAsAUnionAndDeletesNothing() throws Exception {
    a.write("MEMORY.md", "mine\n", at(0));
    a.write("memory/a.md", "a\n", at(0));
    a.sync();
    BareRemote fresh = BareRemote.create(dir.resolve("fresh.git"));
    a.connect(fresh.url(), SyncManifest.defaults());

    SyncReport r = a.sync();

    assertThat(r.ok()).as(r.error()).isTrue();
    assertThat(a.read("MEMORY.md")).isEqualTo("mine\n");
    assertThat(fresh.files().keySet()).containsExactly("MEMORY.md", "memory/a.md");
  }

  @Test
  void anEmptiedWorkspaceDirectoryIsRefusedInsteadOfDeletingItsFilesEverywhere() throws Exception {
    a.write("MEMORY.md", "mine\n", at(0));
    a.write("memory/a.md", "a\n", at(0));
    a.sync();
    // The disk holding the workspace is not mounted: an empty directory where it was.
    Files.move(a.workspace, dir.resolve("unmounted"));
    Files.createDirectories(a.workspace);

    SyncReport r = a.sync();

    assertThat(r.ok()).isFalse();
    assertThat(r.error()).contains("is empty or missing while 2 files were synced");
    assertThat(remote.files().keySet()).containsExactly("MEMORY.md", "memory/a.md");
  }

  @Test
  void aFileTheAgentChangesWhileTheSyncWritesIsLeftAloneAndMergedNextTime() throws Exception {
    a.write("DECISION-LOG.md", "# Log\n## 2026-12-06 09:00 first\n", at(0));
    a.sync();
    b.sync();
    b.write("DECISION-LOG.md", b.read("DECISION-LOG.md") + "## 2026-12-06 10:00 cloud\n", at(5));
    b.sync();

    SyncReport r =
        a.sync.sync(
            (phase, done, total) -> {
              if (phase == SyncListener.Phase.APPLYING && done == 0) {
                // The agent appends while the sync is about to write the file.
                a.write(
                    "DECISION-LOG.md",
                    "# Log\n## 2026-12-06 09:00 first\n## 2026-12-06 11:00 home, late\n",
                    at(7));
              }
            });
    assertThat(r.ok()).as(r.error()).isTrue();
    assertThat(r.deferred()).isEqualTo(1);
    assertThat(a.read("DECISION-LOG.md")).contains("home, late").doesNotContain("cloud");

    a.sync();
    b.sync();
    String expected =
        "# Log\n## 2026-12-06 09:00 first\n## 2026-12-06 10:00 cloud\n## 2026-12-06 11:00 home, late\n";
    assertThat(a.read("DECISION-LOG.md")).isEqualTo(expected);
    assertThat(b.read("DECISION-LOG.md")).isEqualTo(expected);
  }

  @Test
  void theLatencyIsFromTheWriteOnOneInstanceToItsArrivalOnTheOther() throws Exception {
    a.write("MEMORY.md", "v0\n", at(0));
    a.sync();
    b.sync();
    a.write("MEMORY.md", "v1\n", at(30));
    a.sync();
    b.clock.set(at(30).plusSeconds(95));

    SyncReport r = b.sync();

    assertThat(r.latencySeconds()).isEqualTo(95.0);
    assertThat(metric(new SyncHealth(b.sync, b.clock), "sync.latency_seconds")).isEqualTo(95.0);
  }

  @Test
  void statusShowsPendingChangesTheLastRunConflictsAndTheLag() throws Exception {
    a.write("MEMORY.md", "v0\n", at(0));
    a.sync();
    a.write("memory/new.md", "pending\n", at(1));
    a.clock.advance(Duration.ofSeconds(42));

    SyncStatus s = a.sync.status(new SyncHealth(a.sync, a.clock).check());

    assertThat(s.enabled()).isTrue();
    assertThat(s.node()).isEqualTo("home");
    assertThat(s.pendingChanges()).isEqualTo(1);
    assertThat(s.pending()).containsExactly("memory/new.md");
    assertThat(s.lastRun().ok()).isTrue();
    assertThat(s.lagSeconds()).isEqualTo(42);
    assertThat(s.health()).isEqualTo("up");
  }

  private static double metric(MetricSource source, String name) {
    return source.collect().stream()
        .filter(x -> x.metric().equals(name))
        .findFirst()
        .orElseThrow()
        .value();
  }
}
