package io.nxs.rollout.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.rollout.release.ReleaseInstaller;
import io.nxs.rollout.release.ReleaseVersion;
import io.nxs.rollout.release.Restart;
import io.nxs.rollout.release.SmallRelease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart into a release with real processes: the repository's supervising loop ({@code
 * dist/supervise}) runs the daemon of small signed releases installed by {@link LocalReleases}.
 * Each release's {@code bin/nxs} is a script that sources the loop as the real launcher does; its
 * {@code serve} records its start in the home and waits, and exits 75 when told to restart. Nothing
 * waits a fixed time: each step is awaited on the files the processes write.
 */
class RestartIntoReleaseTest {

  /** {@code bin/nxs} of a release; {@code CRASH} is replaced by what its daemon does first. */
  private static final String LAUNCHER =
      """
      #!/usr/bin/env bash
      set -euo pipefail
      root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
      v=$(cat "$root/VERSION")
      if [ "${1:-}" = --version ]; then echo "nxs $v"; exit 0; fi
      if [ "${1:-}" = serve ] && [ -z "${NXS_RESTART_FILE:-}" ]; then
        . "$root/dist/supervise"
        nxs_daemon=("$root/bin/nxs")
        code=0
        nxs_supervise "$@" || code=$?
        exit "$code"
      fi
      home=$3
      trap 'exit 0' TERM
      echo "$NXS_RESTART_FILE" > "$home/restart-file"
      echo "$v" >> "$home/starts"
      CRASH
      while :; do
        if [ -e "$home/restart-$v" ]; then rm -f "$home/restart-$v"; exit 75; fi
        sleep 0.05
      done
      """;

  @TempDir Path dir;
  private final KeyPair keys = SmallRelease.keyPair();
  private Process loop;

  @AfterEach
  void stopTheLoop() throws Exception {
    if (loop != null && loop.isAlive()) {
      loop.descendants().forEach(ProcessHandle::destroyForcibly);
      loop.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Path release(String version, boolean crashes) throws IOException {
    String script =
        LAUNCHER.replace("CRASH", crashes ? "echo 'cannot start' >&2; exit 1" : ": started");
    Path supervise = Path.of(System.getProperty("nxs.repo", "..")).resolve("dist/supervise");
    return FleetReleases.signed(dir, version, script, Map.of("supervise", supervise), keys);
  }

  private static List<String> starts(Path home) throws IOException {
    Path file = home.resolve("starts");
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
  }

  /** Installs {@code archive} as the rollout's agent does, then asks for the restart into it. */
  private void installAndRestart(Path root, Path home, String running, Path archive)
      throws IOException {
    AtomicReference<Restart> asked = new AtomicReference<>();
    LocalReleases releases =
        new LocalReleases(
            root,
            Optional.of(keys.getPublic()),
            Optional.of(ReleaseVersion.parse(running)),
            Duration.ofSeconds(30),
            Optional.of(asked::set));
    releases.install(archive, LocalReleases.sha256(archive));
    assertThat(releases.running()).isEqualTo(running);
    assertThat(releases.restartInto(running)).isTrue();
    assertThat(asked.get().launcher()).isEqualTo(root.resolve("current/bin/nxs"));
    assertThat(asked.get().fallback()).contains(root.resolve("nxs-" + running));
    String file = Files.readString(home.resolve("restart-file")).strip();
    asked.get().handOver(Map.of(Restart.FILE_ENV, file));
    Files.writeString(home.resolve("restart-" + running), "");
  }

  @Test
  void theLoopRestartsIntoTheInstalledReleaseAndPutsBackOneThatCrashLoops() throws Exception {
    Path root = dir.resolve("opt");
    Path home = Files.createDirectories(dir.resolve("home"));
    new ReleaseInstaller(root).install(release("0.1.0", false), keys.getPublic(), Optional.empty());
    List<String> command = new ArrayList<>(List.of(root + "/current/bin/nxs", "serve", "--home"));
    command.add(home.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("loop.log").toFile());
    pb.environment().put("NXS_CRASH_LOOP_STARTS", "3");
    pb.environment().put("NXS_CRASH_LOOP_SECONDS", "600");
    pb.environment().remove(Restart.FILE_ENV);
    loop = pb.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> starts(home).equals(List.of("0.1.0")));

    // Install 0.2.0: the daemon exits 75 and the loop starts the new version on the same home.
    installAndRestart(root, home, "0.1.0", release("0.2.0", false));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> starts(home).equals(List.of("0.1.0", "0.2.0")));
    assertThat(loop.isAlive()).isTrue();

    // 0.3.0 says its version but its daemon exits at once: started 3 times, then 0.2.0 again.
    installAndRestart(root, home, "0.2.0", release("0.3.0", true));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                starts(home).equals(List.of("0.1.0", "0.2.0", "0.3.0", "0.3.0", "0.3.0", "0.2.0")));
    assertThat(Files.readSymbolicLink(root.resolve("current"))).isEqualTo(Path.of("nxs-0.2.0"));
    LocalReleases after =
        new LocalReleases(
            root,
            Optional.of(keys.getPublic()),
            Optional.of(ReleaseVersion.parse("0.2.0")),
            Duration.ofSeconds(30));
    assertThat(after.installed()).isEqualTo("0.2.0");
    assertThat(after.crashLooped("0.3.0"))
        .hasValue("crash loop: nxs-0.3.0 exited 1 3 times within 600 s; back on 0.2.0");
    assertThat(after.crashLooped("0.2.0")).isEmpty();
    assertThat(loop.isAlive()).as("the loop goes on with the version put back").isTrue();

    // SIGTERM reaches the daemon, which exits 0 as after a drain; the loop ends with it.
    loop.destroy();
    assertThat(loop.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(loop.exitValue()).isZero();
    assertThat(starts(home)).as("nothing restarted").hasSize(6);
    assertThat(Files.readString(dir.resolve("loop.log")))
        .contains("nxs: restarting into " + root + "/current/bin/nxs")
        .contains(
            "nxs: crash loop: nxs-0.3.0 exited 1 3 times within 600 s; going back to"
                + " nxs-0.2.0");
  }

  @Test
  void aDaemonThatFailsAtItsFirstStartIsNotRestarted() throws Exception {
    Path root = dir.resolve("opt");
    Path home = Files.createDirectories(dir.resolve("home"));
    new ReleaseInstaller(root).install(release("0.1.0", true), keys.getPublic(), Optional.empty());
    ProcessBuilder pb =
        new ProcessBuilder(root + "/current/bin/nxs", "serve", "--home", home.toString())
            .redirectErrorStream(true);
    pb.environment().remove(Restart.FILE_ENV);
    loop = pb.start();
    assertThat(loop.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(loop.exitValue()).as("its own exit code, as without the loop").isEqualTo(1);
    assertThat(starts(home)).containsExactly("0.1.0");
  }
}
