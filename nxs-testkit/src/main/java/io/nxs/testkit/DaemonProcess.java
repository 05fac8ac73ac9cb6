package io.nxs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NXS daemon as a real child process ({@code nxs serve}) on the test's classpath, for tests
 * that kill and restart it.
 *
 * <p>{@link #kill()} sends SIGKILL (nothing in the daemon runs), {@link #terminate} SIGTERM (the
 * daemon drains and exits 0). The child writes its output to a file in the home's parent directory
 * rather than a pipe, so nothing is lost or blocked when the process dies abruptly.
 */
public final class DaemonProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final Path home;
  private final Process process;
  private final Path log;
  private int port;

  private DaemonProcess(Path home, Process process, Path log) {
    this.home = home;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code nxs serve --home HOME} and waits until it listens.
   *
   * @param mainClass the CLI's main class name (the testkit does not depend on the app)
   */
  public static DaemonProcess start(
      String mainClass, Path home, Duration timeout, String... jvmArgs) {
    return start(mainClass, home, timeout, java.util.Map.of(), jvmArgs);
  }

  /**
   * Starts {@code nxs serve --home HOME} with these environment variables added (e.g. the {@code
   * HOME} and quiet settings of a test's OpenClaw) and waits until it listens.
   */
  public static DaemonProcess start(
      String mainClass,
      Path home,
      Duration timeout,
      java.util.Map<String, String> env,
      String... jvmArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-XX:+UseSerialGC");
    command.addAll(List.of(jvmArgs));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.add("serve");
    command.add("--home");
    command.add(home.toString());
    try {
      Path log = Files.createTempFile(home.toAbsolutePath().getParent(), "daemon-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().remove("NXS_HOME");
      pb.environment().putAll(env);
      DaemonProcess daemon = new DaemonProcess(home, pb.start(), log);
      daemon.awaitListening(timeout);
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(output());
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "daemon exited with " + process.exitValue() + " before listening:\n" + output());
      }
      // A real child process starting up: poll its output, no clock to advance here.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    process.destroyForcibly();
    throw new IllegalStateException("daemon did not listen within " + timeout + ":\n" + output());
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The bootstrap admin key from {@code keys/admin.key}. */
  public String adminKey() {
    try {
      return Files.readString(home.resolve("keys/admin.key")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL, then wait for the process to be gone. */
  public void kill() {
    process.destroyForcibly();
    waitForExit(Duration.ofSeconds(30));
  }

  /** SIGTERM; returns the exit code once the process has stopped. */
  public int terminate(Duration timeout) {
    process.destroy();
    return waitForExit(timeout);
  }

  /** Waits for the process to exit on its own (e.g. after {@code nxs stop}); its exit code. */
  public int awaitExit(Duration timeout) {
    return waitForExit(timeout);
  }

  private int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("daemon did not exit within " + timeout + ":\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Everything it printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitForExit(Duration.ofSeconds(30));
    }
  }
}
