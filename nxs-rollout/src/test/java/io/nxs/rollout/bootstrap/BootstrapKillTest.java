package io.nxs.rollout.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.rollout.bootstrap.BootstrapState.Place;
import io.nxs.rollout.bootstrap.FakeReleases.Behaviour;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC RO3: a bootstrap SIGKILLed at every step in turn resumes and finishes. Each run is a real
 * child process killed after a step's work and before its checkpoint (the hardest place: the work
 * is done but not recorded), so the next run repeats that step over its own leftovers.
 */
class BootstrapKillTest {

  /** Every state a step leads to on a fresh machine, in order. */
  private static final List<String> STEPS =
      List.of("VERIFYING", "DETECTING", "FRESH", "CONFIGURING", "VALIDATING", "RUNNING");

  @TempDir Path dir;

  private final List<Long> daemons = new ArrayList<>();

  @AfterEach
  void stopDaemons() {
    daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void killedAtEveryStepInTurnItResumesAndFinishes() throws Exception {
    Place home = new Place(dir.resolve("home"), dir.resolve("opt"), Optional.empty());
    Place user = new Place(dir.resolve("user/home"), dir.resolve("user/opt"), Optional.empty());
    try (FakeReleases releases = new FakeReleases(Files.createDirectories(dir.resolve("b")))) {
      Path archive = releases.signed("0.2.0", Behaviour.WORKS);
      Path pub = releases.publicKeyFile();
      List<String> resumedAt = new ArrayList<>();
      for (String step : STEPS) {
        Process child = start(step, archive, pub, home, user);
        List<String> out = readUntil(child, "STEP " + step);
        assertThat(out).as("run paused at " + step).last().isEqualTo("STEP " + step);
        recordDaemon(home);
        child.destroyForcibly().waitFor();
        resumedAt.add(out.getFirst().substring("STEP ".length()));
      }
      Process last = start("NONE", archive, pub, home, user);
      List<String> out = readUntil(last, "END");
      assertThat(last.waitFor()).isZero();
      recordDaemon(home);
      resumedAt.add(out.getFirst().substring("STEP ".length()));

      assertThat(out).last().isEqualTo("END RUNNING");
      assertThat(resumedAt.subList(1, resumedAt.size()))
          .as("each run resumes from the last checkpoint: it repeats the step it was killed in")
          .containsExactlyElementsOf(STEPS);
      assertThat(Files.readSymbolicLink(home.root().resolve("current")))
          .isEqualTo(Path.of("nxs-0.2.0"));
      assertThat(Bootstrap.read(home.work().resolve(Bootstrap.STATE_FILE)))
          .hasValueSatisfying(c -> assertThat(c.state().name()).isEqualTo("RUNNING"));
      try (Stream<Path> left = Files.list(home.work())) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .as("no temporary directory is left behind")
            .noneMatch(n -> n.startsWith("tmp-"));
      }
      long running =
          ((BootstrapState.Running)
                  Bootstrap.read(home.work().resolve(Bootstrap.STATE_FILE)).orElseThrow().state())
              .pid();
      assertThat(daemons.stream().filter(pid -> pid != running))
          .as("the daemons the killed runs started were stopped: one NXS runs")
          .allSatisfy(
              pid ->
                  assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                      .isNotEqualTo(Optional.of(true)));
    }
  }

  private void recordDaemon(Place home) throws IOException {
    Path pid = home.work().resolve(Bootstrap.PID_FILE);
    if (Files.exists(pid)) {
      daemons.add(Long.parseLong(Files.readString(pid).strip()));
    }
  }

  private static Process start(String pauseAt, Path archive, Path pub, Place home, Place user)
      throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            BootstrapChild.class.getName(),
            pauseAt,
            archive.toString(),
            pub.toString(),
            home.home().toString(),
            home.root().toString(),
            user.home().toString(),
            user.root().toString());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The child's {@code STEP}/{@code END} lines up to and including the first starting with it. */
  private static List<String> readUntil(Process child, String prefix) throws IOException {
    List<String> lines = new ArrayList<>();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith("STEP ") || line.startsWith("END ")) {
        lines.add(line);
      }
      if (line.startsWith(prefix)) {
        break;
      }
    }
    return lines;
  }
}
