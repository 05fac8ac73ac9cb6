package io.nxs.rollout.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code clean-start} drill (SPEC RO5): a real {@code nxs serve} child process on a scratch
 * home in a temporary directory (never the live home) must answer {@code /readyz} 200 within the
 * limit, have created its state, stop with exit 0 on SIGTERM, and leave an audit chain that {@code
 * nxs audit verify} accepts. The scratch home is removed afterwards.
 */
public final class CleanStartDrill {

  /** The drill's name. */
  public static final String NAME = "clean-start";

  /** How long a clean start may take to be ready (issue 15: operational in under 60 s). */
  public static final Duration READY_LIMIT = Duration.ofSeconds(60);

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final List<String> nxs;
  private final byte[] defaultConfig;
  private final Clock clock;

  /**
   * @param nxs the command that runs this build's CLI (java, flags, class path, main class)
   * @param defaultConfig the default {@code nxs.yaml}; the drill serves it on a free port
   * @param clock when the report says it started
   */
  public CleanStartDrill(List<String> nxs, byte[] defaultConfig, Clock clock) {
    this.nxs = List.copyOf(nxs);
    this.defaultConfig = defaultConfig.clone();
    this.clock = clock;
  }

  /** Runs the drill; a failed check is in the report, not an exception. */
  public DrillReport run() {
    Instant startedAt = clock.instant();
    long t0 = System.nanoTime();
    List<DrillReport.Check> checks = new ArrayList<>();
    Path scratch;
    try {
      scratch = Files.createTempDirectory("nxs-drill-" + NAME + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch directory for the drill", e);
    }
    try {
      drill(scratch, checks);
    } catch (IOException e) {
      checks.add(new DrillReport.Check("drill ran", false, e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      checks.add(new DrillReport.Check("drill ran", false, "interrupted"));
    } finally {
      deleteTree(scratch);
    }
    return new DrillReport(NAME, startedAt, Duration.ofNanos(System.nanoTime() - t0), checks);
  }

  private void drill(Path scratch, List<DrillReport.Check> checks)
      throws IOException, InterruptedException {
    Path home = Files.createDirectories(scratch.resolve("home"));
    String config =
        new String(defaultConfig, StandardCharsets.UTF_8).replace("port: 8787", "port: 0");
    Files.writeString(home.resolve("nxs.yaml"), config);
    Path log = scratch.resolve("serve.log");
    List<String> serve = new ArrayList<>(nxs);
    serve.addAll(List.of("serve", "--home", home.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("NXS_HOME");
    long started = System.nanoTime();
    Process daemon = pb.start();
    try {
      int port = awaitPort(daemon, log, started);
      boolean ready = port > 0 && awaitReady(port, started);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      checks.add(
          new DrillReport.Check(
              "ready within " + READY_LIMIT.toSeconds() + " s",
              ready,
              ready
                  ? "/readyz 200 after " + took.toMillis() + " ms"
                  : "not ready after " + took.toMillis() + " ms: " + lastLine(log)));
      checks.add(
          new DrillReport.Check(
              "state created",
              Files.exists(home.resolve("state.db")) && Files.exists(home.resolve("keys")),
              "state.db and keys/ in the scratch home"));
    } finally {
      daemon.destroy();
    }
    boolean exited = daemon.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      daemon.destroyForcibly();
    }
    checks.add(
        new DrillReport.Check(
            "stops cleanly on SIGTERM",
            exited && daemon.exitValue() == 0,
            exited ? "exit " + daemon.exitValue() : "still running after 60 s; killed"));
    List<String> verify = new ArrayList<>(nxs);
    verify.addAll(List.of("audit", "verify", "--home", home.toString()));
    Process audit = new ProcessBuilder(verify).redirectErrorStream(true).start();
    String out = new String(audit.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean verified = audit.waitFor(120, TimeUnit.SECONDS) && audit.exitValue() == 0;
    checks.add(
        new DrillReport.Check(
            "audit chain verifies", verified, out.strip().lines().reduce("", (a, b) -> b)));
  }

  private static int awaitPort(Process daemon, Path log, long started) throws IOException {
    while (System.nanoTime() - started < READY_LIMIT.toNanos()) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!daemon.isAlive()) {
        return -1;
      }
      // A real child process starting: poll its output file.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return -1;
  }

  private static boolean awaitReady(int port, long started) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    while (System.nanoTime() - started < READY_LIMIT.toNanos()) {
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // The port is bound before the routes are: ask again.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return false;
  }

  private static String lastLine(Path log) throws IOException {
    return Files.readString(log).strip().lines().reduce("(no output)", (a, b) -> b);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the drill's scratch directory " + dir, e);
    }
  }
}
