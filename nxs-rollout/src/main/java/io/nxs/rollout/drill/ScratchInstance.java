package io.nxs.rollout.drill;

import io.nxs.core.http.ChildDaemonReadiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A scratch NXS instance for a drill: a home in a new temporary directory (never the live home)
 * holding the default configuration on a free loopback port, real {@code nxs serve} child processes
 * of this build on it, and CLI commands against it. {@link #close} removes it all.
 */
final class ScratchInstance implements AutoCloseable {

  /** How long a start may take to be ready (issue 15: operational in under 60 s). */
  static final Duration READY_LIMIT = Duration.ofSeconds(60);

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  /** Outcome of one CLI command run against the scratch home. */
  record CommandResult(int exit, String output) {
    String lastLine() {
      return output.strip().lines().reduce("(no output)", (a, b) -> b);
    }
  }

  private final List<String> nxs;
  private final List<String> jvmOptions = new ArrayList<>();
  private final Path dir;
  private final Path home;
  private Process daemon;
  private int port = -1;
  private Path log;
  private int starts;

  ScratchInstance(String drill, List<String> nxs, byte[] defaultConfig) throws IOException {
    this.nxs = List.copyOf(nxs);
    this.dir = Files.createTempDirectory("nxs-drill-" + drill + "-");
    this.home = Files.createDirectories(dir.resolve("home"));
    String config =
        new String(defaultConfig, StandardCharsets.UTF_8).replace("port: 8787", "port: 0");
    Files.writeString(home.resolve("nxs.yaml"), config);
  }

  Path home() {
    return home;
  }

  /** Replaces the scratch home's {@code nxs.yaml} (a drill that needs its own providers). */
  void configure(String yaml) throws IOException {
    Files.writeString(home.resolve("nxs.yaml"), yaml);
  }

  /**
   * Gives the daemons started from now on a name resolution of their own: {@code hosts} (lines as
   * in {@code /etc/hosts}) through the JDK's {@code jdk.net.hosts.file}, so a drill can name a
   * provider on loopback with a host name the gateway counts as remote. This machine's name and
   * {@code localhost} stay resolvable.
   */
  void resolveHosts(String hosts) throws IOException {
    InetAddress self = InetAddress.getLocalHost();
    Path file = dir.resolve("hosts");
    Files.writeString(
        file,
        "127.0.0.1 localhost\n" + self.getHostAddress() + " " + self.getHostName() + "\n" + hosts);
    jvmOptions.add("-Djdk.net.hosts.file=" + file);
  }

  /**
   * Gives the daemons started from now on these JVM options, after this build's own (a later {@code
   * -Xmx} wins).
   */
  void jvmOptions(String... options) {
    jvmOptions.addAll(List.of(options));
  }

  /** The scratch directory (the home is inside it), for a drill's own files. */
  Path dir() {
    return dir;
  }

  /** Whether the daemon started last is still running. */
  boolean alive() {
    return daemon != null && daemon.isAlive();
  }

  /** The serve log of the last start, for a drill that checks what the daemon never writes. */
  String log() throws IOException {
    return log == null ? "" : Files.readString(log);
  }

  /**
   * Starts {@code nxs serve} and waits for {@code /readyz} 200 within {@link #READY_LIMIT}.
   *
   * @return how long it took, or empty when it was not ready in time (the daemon is left running)
   */
  java.util.Optional<Duration> startAndAwaitReady() throws IOException {
    // nxs starts with the java executable and its flags: the drill's JVM options go after them.
    List<String> serve = new ArrayList<>(nxs);
    int classPath = serve.indexOf("-cp");
    serve.addAll(classPath < 0 ? 1 : classPath, jvmOptions);
    serve.addAll(List.of("serve", "--home", home.toString()));
    log = dir.resolve("serve-" + ++starts + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(serve).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("NXS_HOME");
    long started = System.nanoTime();
    daemon = pb.start();
    port = awaitPort(started);
    if (port < 0 || !awaitReady(port, started)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Duration.ofNanos(System.nanoTime() - started));
  }

  /** The last line the running (or last) daemon printed, for a report. */
  String lastLogLine() throws IOException {
    return log == null
        ? "(not started)"
        : Files.readString(log).strip().lines().reduce("(no output)", (a, b) -> b);
  }

  /**
   * SIGTERM and wait up to 60 s.
   *
   * @return the exit code, or -1 when it had to be killed
   */
  int terminate() throws InterruptedException {
    daemon.destroy();
    if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
      daemon.destroyForcibly().waitFor();
      return -1;
    }
    return daemon.exitValue();
  }

  /** SIGKILL: nothing in the daemon runs any more; waits until it is gone. */
  void kill() throws InterruptedException {
    daemon.destroyForcibly().waitFor();
  }

  /** Runs {@code nxs ARGS --home SCRATCH} as a child process. */
  CommandResult run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(nxs);
    command.addAll(List.of(args));
    command.addAll(List.of("--home", home.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("NXS_HOME");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      return new CommandResult(-1, out + "\n(killed after 120 s)");
    }
    return new CommandResult(p.exitValue(), out);
  }

  /** The port the running daemon listens on. */
  int port() {
    return port;
  }

  /** Status, body and headers of an API call. */
  record ApiResult(int status, String body, HttpHeaders headers) {

    /** Who answered a model request: the gateway's {@code x-nxs-provider} header. */
    String provider() {
      return headers.firstValue("x-nxs-provider").orElse("(none)");
    }
  }

  /**
   * Calls the running daemon's API with the scratch home's admin key: cheaper than a CLI child
   * process where a drill only needs the write acknowledged or the data read.
   *
   * @param json the request body, or null for none
   */
  ApiResult api(String method, String path, String json) throws IOException, InterruptedException {
    String admin = Files.readString(home.resolve("keys/admin.key"), StandardCharsets.UTF_8).strip();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(120))
            .header("Authorization", "Bearer " + admin)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    return new ApiResult(response.statusCode(), response.body(), response.headers());
  }

  /**
   * Asks the API again until {@code until} holds for the answer or {@link #READY_LIMIT} passed: for
   * what the daemon does on its own time (the Doctor's rules, the gateway's probes).
   *
   * @return the last answer, whether it held or not
   */
  ApiResult awaitApi(String method, String path, Predicate<ApiResult> until)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    ApiResult last = api(method, path, null);
    while (!until.test(last) && System.nanoTime() - started < READY_LIMIT.toNanos()) {
      // The daemon acts on its own schedule (a 1 s Doctor interval, 1 s probes): ask again soon.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      last = api(method, path, null);
    }
    return last;
  }

  private int awaitPort(long started) throws IOException {
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

  private boolean awaitReady(int port, long started) {
    Duration left = READY_LIMIT.minusNanos(System.nanoTime() - started);
    try {
      return !left.isNegative()
          && ChildDaemonReadiness.await(daemon::isAlive, port, left)
              == ChildDaemonReadiness.Outcome.READY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the drill's scratch directory " + dir, e);
    }
  }
}
