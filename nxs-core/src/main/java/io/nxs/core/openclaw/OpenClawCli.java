package io.nxs.core.openclaw;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openclaw} CLI as a child process: argv from {@code openclaw.command} plus the
 * arguments (never a shell), a controlled environment, a timeout, and both output streams captured.
 *
 * <p>The environment is the caller's with two adjustments, so every run targets the configured home
 * and behaves the same under any supervisor:
 *
 * <ul>
 *   <li>{@code OPENCLAW_STATE_DIR} is set to the home, unless the home is OpenClaw's own default
 *       ({@code $HOME/.openclaw}), where it is removed: OpenClaw treats any explicit state
 *       directory as an isolated install and refuses native service management for it.
 *   <li>The variables from which OpenClaw concludes it runs under systemd ({@link
 *       #SUPERVISOR_HINTS}) are removed: a daemon started by systemd passes them to its children,
 *       and a gateway that believes systemd restarts it exits 78 instead of waiting for a held port
 *       and hands restarts to a unit that does not exist.
 * </ul>
 *
 * <p>Instances are immutable; {@link #withEnv} returns a changed copy.
 */
public final class OpenClawCli {

  private static final File NO_INPUT = new File("/dev/null");

  /** Environment variables from which OpenClaw infers a respawning supervisor (systemd). */
  public static final List<String> SUPERVISOR_HINTS =
      List.of(
          "INVOCATION_ID",
          "SYSTEMD_EXEC_PID",
          "JOURNAL_STREAM",
          "NOTIFY_SOCKET",
          "OPENCLAW_SYSTEMD_UNIT",
          "OPENCLAW_SERVICE_MARKER",
          "OPENCLAW_SERVICE_KIND");

  /** Each output stream keeps at most this much; the rest is read and dropped. */
  static final int MAX_CAPTURE_BYTES = 64 << 20;

  private final List<String> command;
  private final Path home;
  private final Map<String, String> env;

  private OpenClawCli(List<String> command, Path home, Map<String, String> env) {
    this.command = command;
    this.home = home;
    this.env = env;
  }

  /**
   * @param command the CLI's argv words, e.g. {@code [openclaw]}
   * @param home OpenClaw's state directory
   * @param callerEnv the environment to start from (normally {@code System.getenv()})
   * @throws IllegalArgumentException when the command is empty
   */
  public static OpenClawCli of(List<String> command, Path home, Map<String, String> callerEnv) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the openclaw command must not be empty");
    }
    Path absolute = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
    return new OpenClawCli(List.copyOf(command), absolute, Map.copyOf(adjust(callerEnv, absolute)));
  }

  private static Map<String, String> adjust(Map<String, String> callerEnv, Path home) {
    Map<String, String> env = new HashMap<>(callerEnv);
    SUPERVISOR_HINTS.forEach(env::remove);
    String userHome = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path openclawDefault = Path.of(userHome).toAbsolutePath().normalize().resolve(".openclaw");
    if (home.equals(openclawDefault)) {
      env.remove("OPENCLAW_STATE_DIR");
    } else {
      env.put("OPENCLAW_STATE_DIR", home.toString());
    }
    return env;
  }

  /** A copy that also sets these variables (they win over the caller's). */
  public OpenClawCli withEnv(Map<String, String> more) {
    Map<String, String> merged = new HashMap<>(env);
    merged.putAll(more);
    return new OpenClawCli(command, home, Map.copyOf(merged));
  }

  /** The argv words that start the CLI. */
  public List<String> command() {
    return command;
  }

  /** The state directory every run targets. */
  public Path home() {
    return home;
  }

  /** The environment every run gets. */
  public Map<String, String> environment() {
    return env;
  }

  /** The full argv for these arguments. */
  public List<String> argv(List<String> args) {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(args);
    return List.copyOf(argv);
  }

  /**
   * A process builder for a long-running command (the gateway) with the same argv and environment
   * as {@link #run}; the caller owns the process and its output redirection.
   */
  public ProcessBuilder processBuilder(List<String> args) {
    ProcessBuilder pb = new ProcessBuilder(argv(args));
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /** {@link #run(Duration, List)} with arguments inline. */
  public CliResult run(Duration timeout, String... args) {
    return run(timeout, List.of(args));
  }

  /**
   * Runs the CLI with these arguments, standard input closed, and waits for it.
   *
   * <p>On timeout the process and its descendants are killed (SIGKILL) and the result says {@code
   * timedOut}; it never throws for a non-zero exit (see {@link CliResult#requireSuccess()}).
   *
   * @throws OpenClawException when the command cannot be started at all (not found, not executable)
   *     or the calling thread is interrupted
   */
  public CliResult run(Duration timeout, List<String> args) {
    List<String> argv = argv(args);
    long started = System.nanoTime();
    Process process;
    try {
      // Standard input reads from /dev/null: a CLI that asks a question sees end of input at once.
      process = processBuilder(args).redirectInput(ProcessBuilder.Redirect.from(NO_INPUT)).start();
    } catch (IOException e) {
      throw new OpenClawException(
          "cannot run `"
              + String.join(" ", argv)
              + "`: "
              + e.getMessage()
              + " (set openclaw.command in nxs.yaml to how the openclaw CLI is started here)",
          e);
    }
    Capture out = Capture.start(process.getInputStream(), "openclaw-stdout");
    Capture err = Capture.start(process.getErrorStream(), "openclaw-stderr");
    boolean timedOut;
    try {
      timedOut = !process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (timedOut) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
      }
      String stdout = out.join();
      String stderr = err.join();
      return new CliResult(
          argv,
          timedOut ? -1 : process.exitValue(),
          stdout,
          stderr,
          Duration.ofNanos(System.nanoTime() - started),
          timedOut);
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new OpenClawException("interrupted while running `" + String.join(" ", argv) + "`", e);
    }
  }

  /** Drains one stream on a virtual thread, keeping at most {@link #MAX_CAPTURE_BYTES}. */
  private static final class Capture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final InputStream in;
    private final Thread thread;
    private volatile IOException failure;
    private volatile boolean abandoned;

    private Capture(InputStream in, String name) {
      this.in = in;
      this.thread = Thread.ofVirtual().name(name).start(() -> drain(in));
    }

    static Capture start(InputStream in, String name) {
      return new Capture(in, name);
    }

    private void drain(InputStream in) {
      byte[] buffer = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          synchronized (bytes) {
            int room = MAX_CAPTURE_BYTES - bytes.size();
            if (room > 0) {
              bytes.write(buffer, 0, Math.min(n, room));
            }
          }
        }
      } catch (IOException e) {
        if (!abandoned) {
          failure = e;
        }
      }
    }

    /**
     * What the stream carried. The CLI has exited; a descendant it left running may still hold the
     * pipe open, so the read gets a few seconds to reach the end and is then cut off.
     */
    String join() throws InterruptedException {
      if (!thread.join(Duration.ofSeconds(5))) {
        abandoned = true;
        try {
          in.close();
        } catch (IOException e) {
          failure = e;
        }
        thread.join();
      }
      if (failure != null) {
        throw new UncheckedIOException("cannot read the openclaw CLI's output", failure);
      }
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
