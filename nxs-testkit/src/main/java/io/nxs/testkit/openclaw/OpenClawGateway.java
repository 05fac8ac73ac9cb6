package io.nxs.testkit.openclaw;

import io.nxs.core.openclaw.OpenClawCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code openclaw gateway run} as a child process on a free loopback port.
 *
 * <p>{@link #kill()} sends SIGKILL, {@link #stop(Duration)} SIGTERM (the gateway drains and exits
 * 0). Its output goes to a file rather than a pipe, so nothing blocks or is lost when it dies. The
 * probes speak HTTP/1.1: the gateway answers the JDK client's default {@code Upgrade: h2c} with
 * 400.
 */
public final class OpenClawGateway implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Process process;
  private final int port;
  private final Path log;

  private OpenClawGateway(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code openclaw gateway run --port P --bind loopback} and returns at once; see {@link
   * #awaitHealthy} and {@link #awaitExit}. {@code --bind loopback} is explicit because in a
   * container OpenClaw defaults to 0.0.0.0 and then refuses to start without auth.
   */
  static OpenClawGateway launch(OpenClawCli cli, Path logDir, List<String> extraArgs) {
    int port = freePort();
    List<String> args =
        new java.util.ArrayList<>(
            List.of("gateway", "run", "--port", Integer.toString(port), "--bind", "loopback"));
    args.addAll(extraArgs);
    try {
      Files.createDirectories(logDir);
      Path log = Files.createTempFile(logDir, "gateway-" + port + "-", ".log");
      ProcessBuilder pb =
          cli.processBuilder(args)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      return new OpenClawGateway(pb.start(), port, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OpenClaw gateway", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until {@code /healthz} answers 200.
   *
   * @throws GatewayExitedException when the process exits first (with its code and output)
   * @throws IllegalStateException when it is not healthy within the timeout (it is then killed)
   */
  public OpenClawGateway awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new GatewayExitedException(process.exitValue(), output());
      }
      if (status("/healthz") == 200) {
        return this;
      }
      // A real child process starting up: poll it, there is no clock to advance.
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    kill();
    throw new IllegalStateException(
        "the OpenClaw gateway was not healthy within " + timeout + ":\n" + tail());
  }

  /** Waits for the process to exit on its own and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new IllegalStateException(
            "the OpenClaw gateway did not exit within " + timeout + ":\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, once it has exited. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /**
   * The HTTP status of {@code GET path} over HTTP/1.1, or -1 when nothing answers (refused, reset).
   */
  public int status(String path) {
    return get(path).map(HttpResponse::statusCode).orElse(-1);
  }

  /**
   * {@code GET path} over HTTP/1.1, empty when nothing answers. A live gateway is given a minute:
   * Node's one event loop can be busy for many seconds after start on a loaded machine, and a dead
   * one is refused at once anyway.
   */
  public Optional<HttpResponse<String>> get(String path) {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGKILL to the gateway and anything it started, then wait until it is gone. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(60));
  }

  /** SIGTERM; returns the exit code once it has drained and stopped. */
  public int stop(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  /** Everything it printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String tail() {
    String out = output();
    return out.length() <= 6000 ? out : "…" + out.substring(out.length() - 6000);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  /** The gateway exited while it was expected to become healthy. */
  public static final class GatewayExitedException extends IllegalStateException {
    private final int exitCode;

    GatewayExitedException(int exitCode, String output) {
      super(
          "the OpenClaw gateway exited with "
              + exitCode
              + " before it was healthy:\n"
              + (output.length() <= 6000
                  ? output
                  : "…" + output.substring(output.length() - 6000)));
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }
}
