package io.nxs.core.openclaw;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * What one run of the {@code openclaw} CLI did.
 *
 * @param argv the command line as run (never a shell)
 * @param exitCode the exit status; -1 when it was killed on its timeout
 * @param stdout everything it wrote to standard output (UTF-8)
 * @param stderr everything it wrote to standard error (UTF-8; OpenClaw's logs go here)
 * @param elapsed wall time from start to exit
 * @param timedOut whether it was killed because it ran past its timeout
 */
public record CliResult(
    List<String> argv,
    int exitCode,
    String stdout,
    String stderr,
    Duration elapsed,
    boolean timedOut) {

  /** OpenClaw's exit status for a configuration error (EX_CONFIG): systemd does not restart it. */
  public static final int EXIT_CONFIG_ERROR = 78;

  public CliResult {
    argv = List.copyOf(argv);
  }

  public boolean ok() {
    return exitCode == 0 && !timedOut;
  }

  /**
   * Standard output parsed as JSON (for commands run with {@code --json}).
   *
   * @throws OpenClawException when it is not JSON, quoting the start of the output
   */
  public JsonNode json() {
    try {
      return Json.mapper().readTree(stdout);
    } catch (IOException e) {
      throw new OpenClawException(
          "`" + String.join(" ", argv) + "` did not print JSON: " + abbreviate(stdout, 300), e);
    }
  }

  /**
   * This result, when it succeeded.
   *
   * @throws OpenClawException naming the command, its exit code and the tail of its output
   */
  public CliResult requireSuccess() {
    if (!ok()) {
      throw new OpenClawException(describe());
    }
    return this;
  }

  /** One paragraph for a failure message: command, outcome, and the last lines it printed. */
  public String describe() {
    String outcome =
        timedOut
            ? "timed out after " + elapsed.toSeconds() + "s"
            : "exited " + exitCode + " after " + elapsed.toMillis() + " ms";
    return "`"
        + String.join(" ", argv)
        + "` "
        + outcome
        + "\n--- stdout (tail) ---\n"
        + tail(stdout, 4000)
        + "\n--- stderr (tail) ---\n"
        + tail(stderr, 4000);
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : "…" + s.substring(s.length() - max);
  }

  private static String abbreviate(String s, int max) {
    String flat = s.strip();
    return flat.length() <= max ? "'" + flat + "'" : "'" + flat.substring(0, max) + "…'";
  }
}
