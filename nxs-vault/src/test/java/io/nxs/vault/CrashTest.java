package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SIGKILL a backup process at random points: no half snapshot ever becomes visible. */
class CrashTest {

  private static final int ROUNDS = 20;

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void backupKilledAtRandomPointsLeavesOnlyWholeSnapshotsAndTheNextBackupSucceeds()
      throws Exception {
    Random random = new Random(20261201);
    List<String> completed = new ArrayList<>();
    int killed = 0;
    for (int round = 0; round < ROUNDS; round++) {
      // Fresh content every round, so every backup stores new blobs that a kill can cut.
      Path dir = Files.createDirectories(f.agent.resolve("round-" + round));
      for (int i = 0; i < 12; i++) {
        Files.write(
            dir.resolve("f" + i + ".bin"),
            RandomTree.bytes(random, 50_000 + random.nextInt(100_000)));
      }
      int killAfter = random.nextInt(16);
      Process child = start();
      boolean done = false;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        int blobs = 0;
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("done ")) {
            completed.add(line.substring(5));
            done = true;
            break;
          }
          if (line.startsWith("blob ") && ++blobs >= killAfter) {
            break;
          }
        }
      }
      if (!done) {
        child.destroyForcibly();
        killed++;
      }
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

      Vault vault = f.vault();
      List<String> listed = vault.list().stream().map(SnapshotInfo::id).toList();
      assertThat(listed).containsAll(completed);
      VerifyReport report = vault.verify("all", false, Progress.NONE);
      assertThat(report.ok()).as("round %d: %s", round, report.problems()).isTrue();
    }
    VerifyReport deep = f.vault().verify("all", true, Progress.NONE);
    assertThat(deep.ok()).as("%s", deep.problems()).isTrue();
    assertThat(killed).as("rounds killed mid-backup").isGreaterThanOrEqualTo(ROUNDS / 2);

    Vault vault = f.vault();
    BackupResult next = vault.create(Progress.NONE);
    assertThat(vault.verify(next.snapshot().id(), true, Progress.NONE).ok()).isTrue();
    Path to = f.home.resolve("after-crashes");
    vault.restore("latest", to, null, Progress.NONE);
    assertThat(RandomTree.fingerprint(to.resolve("files/agent")))
        .isEqualTo(RandomTree.fingerprint(f.agent));
    vault.prune(false);
    try (Stream<Path> walk = Files.walk(f.repo())) {
      assertThat(
              walk.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList())
          .as("temporary files left by kills are cleaned by prune")
          .isEmpty();
    }
  }

  private Process start() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BackupChild.class.getName());
    command.add(f.home.path().toString());
    command.add(f.agent.toString());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }
}
