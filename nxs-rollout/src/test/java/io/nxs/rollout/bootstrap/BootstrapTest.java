package io.nxs.rollout.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.nxs.core.NxsException;
import io.nxs.rollout.bootstrap.BootstrapState.Place;
import io.nxs.rollout.bootstrap.FakeReleases.Behaviour;
import io.nxs.rollout.release.ReleaseSignature;
import io.nxs.rollout.release.SmallRelease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap state machine and its failure matrix (SPEC RO3), one test per row. */
class BootstrapTest {

  @TempDir Path dir;

  private FakeReleases releases;
  private Place preferred;
  private Place userOwned;
  private final List<String> steps = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Long> daemons = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    releases = new FakeReleases(Files.createDirectories(dir.resolve("build")));
    preferred = new Place(dir.resolve("var/lib/nxs"), dir.resolve("opt/nxs"), Optional.empty());
    userOwned =
        new Place(dir.resolve("user/.nxs"), dir.resolve("user/.local/nxs"), Optional.empty());
  }

  @AfterEach
  void stopDaemons() {
    daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    releases.close();
  }

  private BootstrapState bootstrap(List<String> sources) {
    Bootstrap.Listener listener =
        new Bootstrap.Listener() {
          @Override
          public void stepDone(BootstrapState from, BootstrapState to) {
            steps.add(to.name());
          }

          @Override
          public void note(String line) {
            notes.add(line);
          }
        };
    BootstrapState end =
        new Bootstrap(releases.request(sources, preferred, userOwned), listener, Clock.systemUTC())
            .run();
    if (end instanceof BootstrapState.Running r && r.pid() > 0) {
      daemons.add(r.pid());
    }
    return end;
  }

  private BootstrapState bootstrap(Path archive) {
    return bootstrap(List.of(archive.toString()));
  }

  private static Path current(Place p) throws IOException {
    return Files.readSymbolicLink(p.root().resolve("current"));
  }

  private static Optional<Bootstrap.Checkpoint> stateFile(Place p) {
    return Bootstrap.read(p.work().resolve(Bootstrap.STATE_FILE));
  }

  @Test
  void aFreshMachineGoesThroughEveryStepAndRunsTheVerifiedRelease() throws IOException {
    BootstrapState end = bootstrap(releases.signed("0.2.0", Behaviour.WORKS));

    assertThat(end).isInstanceOf(BootstrapState.Running.class);
    assertThat(steps)
        .containsExactly("VERIFYING", "DETECTING", "FRESH", "CONFIGURING", "VALIDATING", "RUNNING");
    assertThat(current(preferred)).isEqualTo(Path.of("nxs-0.2.0"));
    assertThat(ProcessHandle.of(((BootstrapState.Running) end).pid()))
        .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    assertThat(preferred.home().resolve("nxs.yaml"))
        .content()
        .contains("release:\n  public_key: release.pub");
    assertThat(preferred.home().resolve("release.pub"))
        .hasContent(io.nxs.rollout.release.Ed25519Keys.toPem(releases.signer.getPublic()).strip());
    assertThat(stateFile(preferred))
        .hasValueSatisfying(c -> assertThat(c.state().name()).isEqualTo("RUNNING"));
  }

  @Test
  void aDamagedDownloadIsFetchedAgainFromTheNextMirror() throws IOException {
    Path good = releases.signed("0.2.0", Behaviour.WORKS);
    Path damagedDir = Files.createDirectories(dir.resolve("damaged"));
    Path damaged = damagedDir.resolve(good.getFileName());
    Files.copy(good, damaged);
    Files.copy(ReleaseSignature.signatureFile(good), ReleaseSignature.signatureFile(damaged));
    flipLastByte(damaged);
    Path emptyMirror = Files.createDirectories(dir.resolve("empty-mirror"));
    releases.served.put("/mirror/" + good.getFileName(), good);
    releases.served.put(
        "/mirror/" + good.getFileName() + ".sig", ReleaseSignature.signatureFile(good));

    BootstrapState end =
        bootstrap(
            Bootstrap.Request.sources(
                damaged.toString(),
                List.of(emptyMirror.toUri().toString(), releases.url("/mirror"))));

    assertThat(end).isInstanceOf(BootstrapState.Running.class);
    assertThat(notes).anyMatch(n -> n.contains("damaged; fetching again from the next source"));
    assertThat(notes).anyMatch(n -> n.contains("verified") && n.contains("/mirror/"));
    assertThat(current(preferred)).isEqualTo(Path.of("nxs-0.2.0"));
  }

  @Test
  void aTransientFailureIsRetriedInAFreshTemporaryDirectory() throws IOException {
    Path good = releases.signed("0.2.0", Behaviour.WORKS);
    releases.served.put("/r/" + good.getFileName(), good);
    releases.served.put("/r/" + good.getFileName() + ".sig", ReleaseSignature.signatureFile(good));
    releases.unavailable.put("/r/" + good.getFileName(), new AtomicInteger(2));

    BootstrapState end = bootstrap(List.of(releases.url("/r/" + good.getFileName())));

    assertThat(end).isInstanceOf(BootstrapState.Running.class);
    assertThat(notes)
        .filteredOn(n -> n.contains("HTTP 503") && n.contains("fresh temporary directory"))
        .hasSize(2);
    try (Stream<Path> work = Files.list(preferred.work())) {
      assertThat(work.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("tmp-"));
    }
  }

  @Test
  void aBadSignatureHaltsAndInstallsNothing() throws IOException {
    Path archive = releases.signed("0.2.0", Behaviour.WORKS);
    ReleaseSignature.sign(archive, SmallRelease.keyPair().getPrivate());

    BootstrapState end = bootstrap(archive);

    assertThat(end)
        .isInstanceOfSatisfying(
            BootstrapState.Halted.class, h -> assertThat(h.reason()).contains("BAD SIGNATURE"));
    assertThat(preferred.root().resolve("current")).doesNotExist();
    assertThat(preferred.root().resolve("nxs-0.2.0")).doesNotExist();
    assertThat(preferred.home().resolve("nxs.yaml")).doesNotExist();
    assertThat(stateFile(preferred))
        .hasValueSatisfying(c -> assertThat(c.state().name()).isEqualTo("HALTED"));
  }

  @Test
  void anIncompatibleConfigStopsWithACompatibilityReportAndKeepsThePreviousVersion()
      throws IOException {
    bootstrap(releases.signed("0.2.0", Behaviour.WORKS));
    stopDaemons();
    steps.clear();

    BootstrapState end = bootstrap(releases.signed("0.3.0", Behaviour.REFUSES_CONFIG));

    assertThat(steps)
        .containsExactly("VERIFYING", "DETECTING", "UPGRADE", "CONFIGURING", "INCOMPATIBLE");
    assertThat(end)
        .isInstanceOfSatisfying(
            BootstrapState.Incompatible.class,
            i ->
                assertThat(i.report())
                    .content()
                    .contains("'server.port' moved to 'server.listen' in 0.3.0")
                    .contains("NXS 0.2.0 stays current"));
    assertThat(current(preferred)).isEqualTo(Path.of("nxs-0.2.0"));
  }

  @Test
  void aFailedStateMigrationRollsBackToThePreviousVersionAndItsState() throws IOException {
    bootstrap(releases.signed("0.2.0", Behaviour.WORKS));
    stopDaemons();
    Path stateDb = preferred.home().resolve("state.db");
    Files.writeString(stateDb, "the state of 0.2.0\n");

    BootstrapState end = bootstrap(releases.signed("0.3.0", Behaviour.FAILS_MIGRATION));

    assertThat(end)
        .isInstanceOfSatisfying(
            BootstrapState.RolledBack.class,
            r -> {
              assertThat(r.restored()).isEqualTo("0.2.0");
              assertThat(r.reason()).contains("migration V7 of state.db failed");
            });
    assertThat(current(preferred)).isEqualTo(Path.of("nxs-0.2.0"));
    assertThat(stateDb).hasContent("the state of 0.2.0");
    assertThat(preferred.home().resolve("state.db-wal"))
        .as("the failed version's WAL is not replayed onto the restored state")
        .doesNotExist();
    assertThat(preferred.root().resolve("nxs-0.3.0")).as("kept for a diagnosis").isDirectory();
  }

  @Test
  void noPermissionFallsBackToAUserOwnedHome() throws IOException {
    Path locked = Files.createDirectories(dir.resolve("locked"));
    preferred = new Place(locked.resolve("home"), locked.resolve("opt"), Optional.empty());
    lock(locked);
    try {
      assumeThat(Files.isWritable(locked))
          .as("this machine lets the test make a directory unwritable (chmod or chattr +i)")
          .isFalse();

      BootstrapState end = bootstrap(releases.signed("0.2.0", Behaviour.WORKS));

      assertThat(end)
          .isInstanceOfSatisfying(
              BootstrapState.Running.class,
              r -> {
                assertThat(r.place().home()).isEqualTo(userOwned.home());
                assertThat(r.place().fellBack())
                    .hasValueSatisfying(why -> assertThat(why).contains(locked.toString()));
              });
      assertThat(current(userOwned)).isEqualTo(Path.of("nxs-0.2.0"));
      assertThat(notes).anyMatch(n -> n.startsWith("no permission"));
    } finally {
      unlock(locked);
    }
  }

  @Test
  void anythingElseWritesARedactedDiagnosticDumpAndEntersSafeMode() throws IOException {
    BootstrapState end = bootstrap(releases.signed("0.2.0", Behaviour.CRASHES_WITH_SECRET));

    assertThat(end)
        .isInstanceOfSatisfying(
            BootstrapState.SafeMode.class,
            s -> {
              assertThat(s.dump())
                  .content()
                  .contains("did not become ready")
                  .contains("provider rejected")
                  .doesNotContain(FakeReleases.SECRET);
              assertThat(s.reason()).doesNotContain(FakeReleases.SECRET);
            });
    assertThat(SafeModeMarker.read(preferred.home()))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .contains("did not become ready")
                    .doesNotContain(FakeReleases.SECRET));
  }

  @Test
  void anUnfinishedBootstrapOfAnotherArchiveIsNotResumedWithThisOne() throws IOException {
    Path first = releases.signed("0.2.0", Behaviour.WORKS);
    Bootstrap.Listener crashAfterVerifying =
        new Bootstrap.Listener() {
          @Override
          public void stepDone(BootstrapState from, BootstrapState to) {
            if (to instanceof BootstrapState.Detecting) {
              throw new IllegalStateException("the machine went down");
            }
          }
        };
    assertThatThrownBy(
            () ->
                new Bootstrap(
                        releases.request(List.of(first.toString()), preferred, userOwned),
                        crashAfterVerifying,
                        Clock.systemUTC())
                    .run())
        .hasMessage("the machine went down");
    Path other = releases.signed("0.3.0", Behaviour.WORKS);

    assertThatThrownBy(() -> bootstrap(other))
        .isInstanceOf(NxsException.class)
        .hasMessageContaining("a bootstrap of nxs-0.2.0.tar.gz is unfinished at VERIFYING");
    assertThat(bootstrap(first)).isInstanceOf(BootstrapState.Running.class);
    assertThat(steps).first().isEqualTo("DETECTING");
  }

  private static void flipLastByte(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Unwritable even for root: chattr +i where the test runs as root, else mode 0555. */
  private static void lock(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    if ("root".equals(System.getProperty("user.name"))) {
      command("chattr", "+i", dir.toString());
    }
  }

  private static void unlock(Path dir) throws IOException {
    if ("root".equals(System.getProperty("user.name"))) {
      command("chattr", "-i", dir.toString());
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  private static void command(String... args) throws IOException {
    try {
      new ProcessBuilder(args).inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static String text(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
