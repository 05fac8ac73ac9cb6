package io.nxs.doctor.command;

import io.nxs.core.log.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a configured command through {@code /bin/sh -c} with a timeout (SPEC DR6).
 *
 * <p>Design note: the shell starts in a session of its own ({@code setsid}), so a service it
 * (re)starts in the background is not in the daemon's process group and outlives a restart of NXS.
 * Output goes to a temporary file, not a pipe: a background service keeps the inherited descriptors
 * open, and reading a pipe would wait for the service to exit. On timeout the shell and what it
 * still runs in the foreground are killed.
 */
public final class ShellCommand {

  private static final Logger LOG = LoggerFactory.getLogger(ShellCommand.class);

  /** Output kept for the healing log. */
  public static final int MAX_OUTPUT = 4096;

  private ShellCommand() {}

  /**
   * The result of one run.
   *
   * @param exitCode the exit code, or -1 when it timed out or could not start
   * @param output stdout and stderr, truncated to {@link #MAX_OUTPUT} characters, secrets redacted
   * @param timedOut whether it was killed at the timeout
   * @param millis how long it ran
   */
  public record Result(int exitCode, String output, boolean timedOut, long millis) {
    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    /** One line for logs. */
    public String summary() {
      String first = output.strip().lines().findFirst().orElse("");
      return (timedOut ? "timed out" : "exit " + exitCode) + (first.isEmpty() ? "" : ": " + first);
    }
  }

  /** Runs the command and waits at most {@code timeout}. */
  public static Result run(String command, Duration timeout) {
    long start = System.nanoTime();
    Path out;
    try {
      out = Files.createTempFile("nxs-doctor-cmd", ".out");
    } catch (IOException e) {
      return new Result(-1, "cannot create a temporary file: " + e.getMessage(), false, 0);
    }
    try {
      List<String> argv = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))
          || Files.isExecutable(Path.of("/bin/setsid"))) {
        argv.add("setsid");
        argv.add("-w");
      }
      argv.add("/bin/sh");
      argv.add("-c");
      argv.add(command);
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new Result(finished ? p.exitValue() : -1, readOutput(out), !finished, millis);
    } catch (IOException e) {
      return new Result(-1, "cannot start /bin/sh: " + e.getMessage(), false, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted", false, 0);
    } finally {
      try {
        Files.deleteIfExists(out);
      } catch (IOException e) {
        // A leftover temporary file is harmless (the OS cleans its temp directory): say so, go on.
        LOG.debug("cannot delete the command's output file {}", out, e);
      }
    }
  }

  private static String readOutput(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String text =
          new String(bytes, 0, Math.min(bytes.length, MAX_OUTPUT * 4), StandardCharsets.UTF_8);
      if (text.length() > MAX_OUTPUT) {
        text = text.substring(0, MAX_OUTPUT) + "\n[truncated]";
      }
      return Redaction.redact(text);
    } catch (IOException e) {
      return "";
    }
  }
}
