package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleasePackager;
import io.nxs.rollout.release.ReleaseSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive on a "fresh machine" (SPEC RO1, RO2): built once for the class from the
 * reactor's shaded jar by the code the release profile runs, unpacked with the system's {@code tar}
 * into an empty directory and run through its own {@code bin/nxs} with a JDK, a scratch {@code
 * $HOME} (so no Maven repository or cache of the build is in reach) and a minimal {@code PATH}.
 * Runs after {@code package} (failsafe), when {@code target/nxs.jar} exists.
 */
class ReleaseFreshMachineIT {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  @TempDir static Path dir;

  private static Path release;
  private static Path upgrade;
  private static KeyPair signer;

  @BeforeAll
  static void buildAndSignTwoReleases() throws Exception {
    Path repo = Path.of(System.getProperty("nxs.repo", ".."));
    signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    release = pack(repo, "1.0.0");
    upgrade = pack(repo, "1.0.1");
    ReleaseSignature.sign(release, signer.getPrivate());
    ReleaseSignature.sign(upgrade, signer.getPrivate());
  }

  private static Path pack(Path repo, String version) {
    return ReleasePackager.pack(
        new ReleasePackager.Inputs(
            version,
            repo.resolve("nxs-app/target/nxs.jar"),
            repo.resolve("dist/release/nxs"),
            repo.resolve("scripts/java-home"),
            repo.resolve("nxs-app/src/main/resources/io/nxs/app/default-nxs.yaml"),
            repo.resolve("dist")),
        dir.resolve("out-" + version));
  }

  @Test
  void anUnpackedReleaseServesAFreshHomeAndIsReadyWithinAMinute() throws Exception {
    Path machine = Files.createDirectories(dir.resolve("machine-a"));
    Path installed = untar(release, machine).resolve("nxs-1.0.0");
    Path home = freshHome(machine, installed);
    Path log = machine.resolve("serve.log");

    long started = System.nanoTime();
    Process serve =
        launcher(machine, installed, "serve", "--home", home.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      int port = awaitPort(serve, log, started);
      int status = awaitReady(port, started);
      Duration ready = Duration.ofNanos(System.nanoTime() - started);
      System.out.println("release archive: ready on a fresh home in " + ready.toMillis() + " ms");

      assertThat(status).as(Files.readString(log)).isEqualTo(200);
      assertThat(ready).isLessThan(Duration.ofSeconds(60));
      assertThat(home.resolve("state.db")).exists();
    } finally {
      serve.destroy();
      assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(serve.exitValue()).as(Files.readString(log)).isZero();
  }

  @Test
  void theInstalledLauncherRefusesTamperedArchivesAndInstallsTheSignedUpgrade() throws Exception {
    Path root = Files.createDirectories(dir.resolve("machine-b/opt"));
    Path installed = untar(release, root).resolve("nxs-1.0.0");
    Path machine = root.getParent();
    Path home = freshHome(machine, installed);

    Path damaged = copy(upgrade, machine.resolve("damaged"));
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(damaged, bytes);
    Path foreign = copy(upgrade, machine.resolve("foreign"));
    ReleaseSignature.sign(
        foreign, KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
    List<String> before = tree(root);

    Result damagedRun =
        run(machine, installed, "upgrade", damaged.toString(), "--home", home.toString());
    Result foreignRun =
        run(machine, installed, "upgrade", foreign.toString(), "--home", home.toString());
    List<String> afterRefusals = tree(root);
    Result good = run(machine, installed, "upgrade", upgrade.toString(), "--home", home.toString());

    assertThat(damagedRun.code()).as(damagedRun.output()).isEqualTo(1);
    assertThat(damagedRun.output()).contains("nxs: ").contains(damaged.toString());
    assertThat(foreignRun.code()).as(foreignRun.output()).isEqualTo(1);
    assertThat(foreignRun.output()).contains("BAD SIGNATURE").contains("Nothing was installed");
    assertThat(afterRefusals).isEqualTo(before);
    assertThat(good.code()).as(good.output()).isZero();
    assertThat(good.output()).contains("installed NXS 1.0.1").contains("previous: 1.0.0");
    assertThat(Files.readSymbolicLink(root.resolve("current"))).isEqualTo(Path.of("nxs-1.0.1"));
    assertThat(root.resolve("nxs-1.0.0/bin/nxs")).isExecutable();
  }

  /** A home holding only nxs.yaml: the release's default config on a free port, key pinned. */
  private static Path freshHome(Path machine, Path installed) throws IOException {
    Path home = Files.createDirectories(machine.resolve("home"));
    String config =
        Files.readString(installed.resolve("config/nxs.yaml")).replace("port: 8787", "port: 0");
    String pem = Ed25519Keys.toPem(signer.getPublic()).strip().replace("\n", "\n    ");
    Files.writeString(
        home.resolve("nxs.yaml"), config + "\nrelease:\n  public_key: |\n    " + pem + "\n");
    return home;
  }

  private static Path untar(Path archive, Path into) throws Exception {
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor()).as(out).isZero();
    return into;
  }

  /** bin/nxs with nothing of the build machine in reach: scratch HOME, minimal PATH. */
  private static ProcessBuilder launcher(Path machine, Path installed, String... args)
      throws IOException {
    Path user = Files.createDirectories(machine.resolve("user"));
    ProcessBuilder pb =
        new ProcessBuilder(
            Stream.concat(Stream.of(installed.resolve("bin/nxs").toString()), Stream.of(args))
                .toList());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", user.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return pb;
  }

  private record Result(int code, String output) {}

  private static Result run(Path machine, Path installed, String... args) throws Exception {
    Process p = launcher(machine, installed, args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private static int awaitPort(Process serve, Path log, long started) throws IOException {
    while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      assertThat(serve.isAlive()).as(Files.readString(log)).isTrue();
      // A real child process starting: poll its output, no clock to advance.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("not listening within 60 s:\n" + Files.readString(log));
  }

  private static int awaitReady(int port, long started) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build();
    int status = 0;
    while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
      status = http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 200) {
        return status;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return status;
  }

  private static Path copy(Path archive, Path dir) throws IOException {
    Files.createDirectories(dir);
    return Files.copy(archive, dir.resolve(archive.getFileName()));
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }
}
