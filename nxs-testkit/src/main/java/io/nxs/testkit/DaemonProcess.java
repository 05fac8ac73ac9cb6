package io.nxs.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NXS daemon as a real child process ({@code nxs serve}) on the test's classpath, for tests
 * that kill and restart it.
 *
 * <p>{@link #kill()} sends SIGKILL (nothing in the daemon runs), {@link #terminate()} SIGTERM (the
 * daemon drains and exits 0). Output is captured for assertions and failure messages.
 */
public final class DaemonProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  private final Path home;
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();

  private DaemonProcess(Path home, Process process) {
    this.home = home;
    this.process = process;
    Thread.ofVirtual().start(this::pump);
  }

  /**
   * Starts {@code nxs serve --home HOME} and waits until it listens.
   *
   * @param mainClass the CLI's main class name (the testkit does not depend on the app)
   */
  public static DaemonProcess start(String mainClass, Path home, Duration timeout, String... jvmArgs) {
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
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().remove("NXS_HOME");
      DaemonProcess daemon = new DaemonProcess(home, pb.start());
      daemon.awaitListening(timeout);
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // The stream closes when the process dies; that is the end of its output.
    } finally {
      port.completeExceptionally(new IllegalStateException("daemon exited:\n" + output()));
    }
  }

  private void awaitListening(Duration timeout) {
    try {
      port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("daemon did not listen within " + timeout + ":\n" + output());
    } catch (Exception e) {
      throw new IllegalStateException("daemon failed to start:\n" + output(), e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return port.join();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
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
    return String.join("\n", output);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitForExit(Duration.ofSeconds(30));
    }
  }
}
