package io.nxs.app.cli;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.http.ChildDaemonReadiness;
import io.nxs.core.state.SecureFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A short run of what NXS does most, for the launcher's class-data sharing archive: {@code ./nxs}
 * runs it once per build with {@code -XX:ArchiveClassesAtExit}, so the archive holds the classes of
 * the daemon and of the CLI commands an operator runs, not only those of whichever command happened
 * to run first (a CLI command through the daemon: 2.05 → 1.6 s, see
 * bench/results/2026-12-02-vault-vs-restic.md).
 *
 * <p>It works in a temporary home and touches nothing else: the daemon starting and stopping, CLI
 * commands through the daemon and on a stopped home, the vault backing up, verifying and restoring
 * a few megabytes, and the HTTP routes the CLI does not take. Exits 1 when a step fails, so the
 * launcher keeps no archive made from a broken run.
 *
 * <p>{@code StartupTraining cli} trains the light commands' archive instead (JDK 25's AOT cache,
 * which loads every class it holds at start): the daemon runs in a child JVM, so this process loads
 * only what {@code nxs status}, {@code nxs provider list} and the other commands that talk to the
 * daemon load (docs/adr/0061-aot-cache-per-kind-of-start.md). {@code StartupTraining light} trains
 * the light class path's (ADR 0068): the same, but only the plain light commands through the
 * daemon, which that class path is for. {@code StartupTraining serve} trains the daemon's own:
 * {@code nxs serve} started, used over HTTP and stopped, twice, and nothing else
 * (docs/adr/0062-daemon-start-archive-and-sqlite-library.md).
 */
public final class StartupTraining {

  private static final int MIB = 1 << 20;

  /** How long the training daemon may take to be ready: a loaded machine starts it slowly. */
  private static final Duration READY_LIMIT = Duration.ofMinutes(5);

  private final Path dir;
  private final Path homeDir;
  private final Clock clock;
  private final Cli cli;

  StartupTraining(Path dir, Clock clock) {
    this.dir = dir;
    this.homeDir = dir.resolve("home");
    this.clock = clock;
    this.cli = new Cli(Map.of(), clock);
  }

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("nxs-training-");
    int code = 0;
    try {
      StartupTraining training = new StartupTraining(dir, Clock.systemUTC());
      if (args.length > 0 && args[0].equals("cli")) {
        training.runLightCommands(false);
      } else if (args.length > 0 && args[0].equals("light")) {
        training.runLightCommands(true);
      } else if (args.length > 0 && args[0].equals("serve")) {
        training.runServe();
      } else {
        training.run();
      }
    } catch (RuntimeException | IOException e) {
      System.err.println("nxs: the start-up training run failed: " + e.getMessage());
      code = 1;
    } finally {
      SecureFiles.deleteTree(dir);
    }
    System.exit(code);
  }

  /** Runs the whole workload; throws when a command does not succeed. */
  void run() throws IOException {
    Path data = dir.resolve("data");
    writeTree(data);
    NxsHome home = new NxsHome(homeDir);
    int port =
        initialize(
            home,
            "vault:\n  openclaw: false\n  sources:\n    - path: "
                + data
                + "\n  schedule:\n    backup: 0s\n");

    cli("config", "check");
    try (Daemon daemon = Daemon.start(home, Map.of(), clock)) {
      cli("status");
      cli("status", "-o", "json");
      cli("backup", "create", "-o", "json");
      cli("backup", "list");
      cli("backup", "verify", "--deep");
      cli("backup", "restore", "latest", "--to", dir.resolve("restored-by-daemon").toString());
      cli("doctor", "status");
      cli("doctor", "incidents");
      cli("provider", "list");
      cli("key", "list");
      cli("audit", "verify");
      http(port, adminKey(home));
    }
    Files.writeString(data.resolve("notes/changed.md"), "# changed after the first snapshot\n");
    cli("backup", "create");
    cli("backup", "verify", "--deep", "-o", "json");
    cli("backup", "restore", "latest", "--to", dir.resolve("restored").toString());
    cli("backup", "list", "-o", "json");
    cli("audit", "verify");
  }

  /**
   * The light commands that talk to the daemon (the launchers run them on C1 alone) against a
   * daemon in a child JVM, then {@code nxs stop}: this process runs no daemon code, so its archive
   * holds only what those commands load. Not {@code --help} nor the offline commands, whose classes
   * every light command would then load at start from an AOT cache (4,005 classes with them). With
   * {@code plainOnly} only {@link LightCommand}'s command lines, and the daemon stopped over HTTP:
   * the light class path (ADR 0068) holds the classes of this run and nothing else.
   */
  void runLightCommands(boolean plainOnly) throws IOException {
    ParallelStart.begin("status"); // as Main starts every command: its classes belong in the cache
    NxsHome home = new NxsHome(homeDir);
    int port = initialize(home, "vault:\n  openclaw: false\n");
    if (!plainOnly) {
      cli("--version");
    }
    Process daemon =
        new ProcessBuilder(daemonCommand(homeDir))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("daemon.log").toFile())
            .start();
    try {
      awaitReady(
          port,
          daemon::isAlive,
          () -> {
            try {
              return "exited "
                  + daemon.exitValue()
                  + ": "
                  + Files.readString(dir.resolve("daemon.log"));
            } catch (IOException e) {
              return "exited " + daemon.exitValue();
            }
          });
      for (List<String> command :
          List.of(
              List.of("status"),
              List.of("status", "-o", "json"),
              List.of("provider", "list"),
              List.of("backup", "list"),
              List.of("doctor", "status"),
              List.of("doctor", "incidents"),
              List.of("key", "list"))) {
        if (!plainOnly || LightCommand.parse(command.toArray(String[]::new)).isPresent()) {
          cli(command.toArray(String[]::new));
        }
      }
      // With a snapshot, as on any home that has backed up: status's last-backup line (its age,
      // its string joins) and a listed snapshot. Made over HTTP, not by 'nxs backup create', whose
      // progress output is no light command's.
      request(port, adminKey(home), "POST", "/api/v1/backups", "{}");
      cli("status");
      cli("backup", "list");
      if (plainOnly) {
        request(port, adminKey(home), "POST", "/api/v1/daemon/stop", "");
      } else {
        cli("stop");
      }
      if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the training daemon did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      daemon.destroyForcibly();
    }
  }

  /**
   * {@code nxs serve} as the launcher runs it, for the daemon's own archive: on a new home (the
   * migrations, the first key), its HTTP routes used, stopped through {@code POST
   * /api/v1/daemon/stop} as {@code nxs stop} does, then once more on the same home (a restart). No
   * CLI command and no vault work runs in this process: a daemon start loads every class its AOT
   * cache holds, and with theirs it held a quarter more than it needs (ADR 0062).
   */
  void runServe() throws IOException {
    NxsHome home = new NxsHome(homeDir);
    int port = initialize(home, "vault:\n  openclaw: false\n");
    for (int start = 0; start < 2; start++) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int[] code = {-1};
      Thread serve =
          Thread.ofPlatform()
              .name("training-serve")
              .start(
                  () ->
                      code[0] =
                          Main.run(
                              Map.of(),
                              clock,
                              new PrintWriter(out),
                              new PrintWriter(err),
                              "serve",
                              "--home",
                              homeDir.toString()));
      try {
        awaitServing(port, serve::isAlive, err::toString);
        String key = adminKey(home);
        http(port, key);
        request(port, key, "POST", "/api/v1/daemon/stop", "");
        serve.join(Duration.ofMinutes(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (serve.isAlive() || code[0] != 0) {
        throw new IllegalStateException(
            "the training's 'nxs serve' did not stop with exit code 0: " + err.toString().strip());
      }
    }
  }

  /** Creates {@code home} on a free port with {@code config} appended; returns the port. */
  private static int initialize(NxsHome home, String config) throws IOException {
    home.initialize();
    int port = freePort();
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 8787", "port: " + port) + "\n" + config);
    return port;
  }

  /** {@code nxs serve} on {@code home} in a child JVM: this JVM's java and class path, C1 alone. */
  static List<String> daemonCommand(Path home) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(
        List.of(
            "-cp",
            // The light class path's training (ADR 0068) names the whole jar: the daemon needs it.
            System.getProperty("nxs.training.jar", System.getProperty("java.class.path")),
            Main.class.getName(),
            "serve",
            "--home",
            home.toString()));
    return command;
  }

  /**
   * Waits until the daemon answers {@code /readyz} with 200; throws, with what {@code log} says,
   * when it stops running or takes 5 min.
   */
  private static void awaitReady(int port, BooleanSupplier alive, Supplier<String> log)
      throws InterruptedException {
    ended(ChildDaemonReadiness.await(alive, port, READY_LIMIT), log);
  }

  /**
   * As {@link #awaitReady} for the daemon this JVM serves ({@code runServe}), asking {@code
   * /readyz} through {@link #request}: the default probe's {@code HttpURLConnection} classes would
   * then be in the daemon's own AOT cache, which loads every class it holds at each start (ADR
   * 0095).
   */
  private static void awaitServing(int port, BooleanSupplier alive, Supplier<String> log)
      throws InterruptedException {
    ended(
        ChildDaemonReadiness.await(
            alive, READY_LIMIT, () -> request(port, null, "GET", "/readyz", null) == 200),
        log);
  }

  private static void ended(ChildDaemonReadiness.Outcome outcome, Supplier<String> log) {
    switch (outcome) {
      case READY -> {}
      case EXITED -> {
        String said = log.get().strip();
        throw new IllegalStateException(
            "the training daemon stopped: " + said.substring(Math.max(0, said.length() - 2000)));
      }
      case TIMED_OUT ->
          throw new IllegalStateException(
              "the training daemon was not ready within " + READY_LIMIT.toMinutes() + " min");
    }
  }

  /**
   * The HTTP paths the CLI does not take: probes, metrics, the dashboard and a chat completion
   * (answered with the gateway's error, as no provider runs here; the status is not checked).
   */
  private static void http(int port, String key) throws IOException {
    for (String path :
        List.of("/readyz", "/healthz", "/metrics", "/", "/v1/models", "/api/v1/providers")) {
      request(port, key, "GET", path, null);
    }
    request(
        port,
        key,
        "POST",
        "/v1/chat/completions",
        "{\"model\":\"nxs-auto\",\"stream\":true,\"max_completion_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
  }

  /** The admin key a started daemon made, read once for the requests that follow. */
  private static String adminKey(NxsHome home) throws IOException {
    return Files.readString(home.adminKey()).strip();
  }

  /**
   * One HTTP/1.1 request with {@code key} (null for none) and {@code body} (null for none), on a
   * connection of its own that the daemon closes after the answer; reads and drops the answer and
   * returns its status. Over a plain socket, not {@code HttpURLConnection} nor the JDK's {@code
   * HttpClient}: the daemon's own training runs in the daemon's JVM, and their classes (49 and some
   * 300) would be in its AOT cache, loaded at every start by a daemon that never uses them (ADR
   * 0095).
   */
  private static int request(int port, String key, String method, String path, String body)
      throws IOException {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
            .append(port)
            .append("\r\nConnection: close\r\nContent-Length: ")
            .append(content.length)
            .append("\r\n");
    if (key != null) {
      head.append("Authorization: Bearer ").append(key).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: application/json\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      // "HTTP/1.1 200 OK": the status is the second word of the first line.
      String[] statusLine = answer.lines().findFirst().orElse("").split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
        throw new IOException(method + " " + path + ": no HTTP answer");
      }
      try {
        return Integer.parseInt(statusLine[1]);
      } catch (NumberFormatException e) {
        throw new IOException(method + " " + path + ": no HTTP status in " + statusLine[1], e);
      }
    }
  }

  private void cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--home");
    all.add(homeDir.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = cli.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    if (code != 0) {
      throw new IllegalStateException(
          "'nxs " + String.join(" ", args) + "' exited " + code + ": " + err.toString().strip());
    }
  }

  /** Text that compresses, random bytes that do not, and sizes from empty to several chunks. */
  private static void writeTree(Path data) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    Files.createDirectories(data.resolve("notes"));
    Files.createDirectories(data.resolve("blobs"));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("- decision ").append(i).append(": keep the agent alive on cheap machines\n");
    }
    for (int i = 0; i < 16; i++) {
      Files.writeString(
          data.resolve("notes/memory-" + i + ".md"), text.substring(0, 4096 * (i + 1)));
    }
    Files.writeString(data.resolve("notes/MEMORY.md"), text);
    Files.write(data.resolve("notes/empty"), new byte[0]);
    for (int i = 0; i < 2; i++) {
      byte[] bytes = new byte[5 * MIB];
      random.nextBytes(bytes);
      Files.write(data.resolve("blobs/random-" + i + ".bin"), bytes);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocketChannel s =
        ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return ((InetSocketAddress) s.getLocalAddress()).getPort();
    }
  }
}
