package io.nxs.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a real child JVM in the middle of a sync (after its push, halfway through writing the
 * workspace; and before its push) leaves the workspace with whole files only and the remote with
 * whole commits only, and the next sync completes without a spurious conflict.
 */
class SyncKillTest {

  static final int FILES = 40;

  @TempDir Path dir;

  @Test
  void killedHalfwayThroughWritingTheWorkspaceTheNextSyncCompletesIt() throws Exception {
    BareRemote remote = BareRemote.create(dir.resolve("remote.git"));
    try (SyncNode writer = SyncNode.create(dir, "cloud", remote.url(), SyncManifest.defaults());
        SyncNode victim = SyncNode.create(dir, "home", remote.url(), SyncManifest.defaults())) {
      // Both start from the same memory; then the other instance changes all of it, and this one
      // changes MEMORY.md too (a conflict whose resolution is pushed before the kill).
      for (int i = 0; i < FILES; i++) {
        writer.write("memory/day-" + i + ".md", "v1 of day " + i + "\n", at(0));
      }
      writer.write("MEMORY.md", "v1\n", at(0));
      writer.sync();
      victim.sync();
      for (int i = 0; i < FILES; i++) {
        writer.write("memory/day-" + i + ".md", "v2 of day " + i + "\n", at(10));
      }
      writer.write("MEMORY.md", "v2 from cloud (earlier)\n", at(10));
      writer.sync();
      victim.write("MEMORY.md", "v2 from home (later)\n", at(20));
      int commitsBefore = remote.commits();

      String halted = runAndKill(victim, remote, "APPLYING", FILES / 2);

      assertThat(halted).startsWith("HALTED APPLYING " + FILES / 2 + "/");
      // The remote took the whole merge commit before the kill, and every object is readable.
      assertThat(remote.commits()).isEqualTo(commitsBefore + 1);
      assertThat(remote.checkConnectivity()).isPositive();
      assertThat(remote.files()).containsEntry("MEMORY.md", "v2 from home (later)\n");
      // Every workspace file is whole: the old version or the new one.
      Map<String, String> mid = victim.files();
      int updated = 0;
      for (int i = 0; i < FILES; i++) {
        String text = mid.get("memory/day-" + i + ".md");
        assertThat(text).isIn("v1 of day " + i + "\n", "v2 of day " + i + "\n");
        updated += text.startsWith("v2") ? 1 : 0;
      }
      assertThat(updated).isBetween(1, FILES - 1);
      // Besides them, at most the temporary files of the batch it was renaming (hidden, *.tmp):
      // never synced, and removed by the next sync (its workspace then equals the writer's).
      assertThat(mid.keySet())
          .filteredOn(p -> p.contains(".nxs-sync-"))
          .allMatch(p -> p.matches("(.+/)?\\..+\\.nxs-sync-[0-9a-f]+\\.tmp"));

      victim.connect(remote.url(), SyncManifest.defaults());
      SyncReport next = victim.sync();
      writer.sync();

      assertThat(next.ok()).as(next.error()).isTrue();
      assertThat(next.pushed()).isFalse();
      assertThat(next.conflicts()).isEmpty();
      assertThat(remote.commits()).isEqualTo(commitsBefore + 1);
      assertThat(victim.files()).isEqualTo(writer.files());
      assertThat(victim.read("MEMORY.md")).isEqualTo("v2 from home (later)\n");
      assertThat(victim.read("MEMORY.conflict-20261206T101000Z-cloud.md"))
          .isEqualTo("v2 from cloud (earlier)\n");
      // The conflict was audited once, before the push.
      assertThat(victim.audited("sync.conflict")).hasSize(1);
    }
  }

  @Test
  void killedBeforeItsPushNothingReachesTheRemoteAndTheNextSyncPushes() throws Exception {
    BareRemote remote = BareRemote.create(dir.resolve("remote.git"));
    try (SyncNode victim = SyncNode.create(dir, "home", remote.url(), SyncManifest.defaults());
        SyncNode other = SyncNode.create(dir, "cloud", remote.url(), SyncManifest.defaults())) {
      victim.write("MEMORY.md", "v1\n", at(0));
      victim.sync();
      victim.write("MEMORY.md", "v2\n", at(5));
      victim.write("memory/new.md", "new\n", at(5));
      Map<String, String> before = victim.files();

      runAndKill(victim, remote, "PUSHING", 0);

      assertThat(remote.files()).containsOnly(Map.entry("MEMORY.md", "v1\n"));
      assertThat(victim.files()).isEqualTo(before);
      victim.connect(remote.url(), SyncManifest.defaults());
      SyncReport next = victim.sync();
      other.sync();
      assertThat(next.ok()).as(next.error()).isTrue();
      assertThat(remote.files()).containsEntry("MEMORY.md", "v2\n").containsKey("memory/new.md");
      assertThat(other.read("memory/new.md")).isEqualTo("new\n");
    }
  }

  private static Instant at(int minutes) {
    return Instant.parse("2026-12-06T10:00:00Z").plus(Duration.ofMinutes(minutes));
  }

  /** Runs a sync in a child JVM on the node's home, halts it at a step and SIGKILLs it. */
  private static String runAndKill(SyncNode node, BareRemote remote, String phase, int after)
      throws IOException, InterruptedException {
    node.close(); // the child opens the same state.db and audit log
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SyncChild.class.getName());
    cmd.add(node.home.toString());
    cmd.add(node.workspace.toString());
    cmd.add(remote.url());
    cmd.add(node.name);
    cmd.add(phase);
    cmd.add(Integer.toString(after));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String line;
    StringBuilder output = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      while ((line = out.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith("HALTED")) {
          child.destroyForcibly(); // SIGKILL on Linux
          assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
          assertThat(child.exitValue()).isEqualTo(137);
          node.reopen();
          return line;
        }
      }
    }
    child.waitFor(60, TimeUnit.SECONDS);
    throw new AssertionError("the child sync never halted at " + phase + ":\n" + output);
  }
}
