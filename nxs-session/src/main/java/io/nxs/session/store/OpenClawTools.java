package io.nxs.session.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.openclaw.CliResult;
import io.nxs.core.openclaw.OpenClaw;
import io.nxs.core.openclaw.OpenClawException;
import io.nxs.session.SessionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenClaw commands sessions rely on (docs/openclaw.md "Commands"), run through the core port:
 * OpenClaw's own online snapshot ({@code backup sqlite create}), its restore (which verifies), the
 * activation doctor run, and {@code sessions list} as the judge of what a store holds.
 */
public final class OpenClawTools {

  private static final Pattern VERSION = Pattern.compile("(\\d{4})\\.(\\d+)\\.(\\d+)");

  private final OpenClaw openclaw;
  private final Duration timeout;

  public OpenClawTools(OpenClaw openclaw, Duration timeout) {
    this.openclaw = openclaw;
    this.timeout = timeout;
  }

  public OpenClaw port() {
    return openclaw;
  }

  /**
   * {@code openclaw --version}, e.g. {@code 2026.9.6}.
   *
   * @throws SessionException when the CLI does not run or says no version
   */
  public String version() {
    long now = System.nanoTime();
    Version known = version;
    if (known != null && now - known.at() < VERSION_TTL.toNanos()) {
      return known.text();
    }
    CliResult r = run("--version");
    Matcher m = VERSION.matcher(r.stdout());
    if (!r.ok() || !m.find()) {
      throw new SessionException(
          "cannot tell which OpenClaw runs here: " + oneLine(r) + " (check openclaw.command)");
    }
    version = new Version(m.group(), now);
    return m.group();
  }

  /**
   * How long a read {@code openclaw --version} is trusted (an upgrade is rare, a start is slow).
   */
  static final Duration VERSION_TTL = Duration.ofMinutes(5);

  private record Version(String text, long at) {}

  private volatile Version version;

  /**
   * Compares two OpenClaw versions such as {@code 2026.9.6}.
   *
   * @return negative, zero or positive as {@code a} is older, equal or newer
   */
  public static int compareVersions(String a, String b) {
    Matcher ma = VERSION.matcher(a);
    Matcher mb = VERSION.matcher(b);
    if (!ma.find() || !mb.find()) {
      return a.compareTo(b);
    }
    for (int i = 1; i <= 3; i++) {
      int c = Integer.compare(Integer.parseInt(ma.group(i)), Integer.parseInt(mb.group(i)));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /**
   * {@code openclaw backup sqlite create --agent ID --repository DIR --json}: OpenClaw's online
   * backup of the live agent store (the agent keeps running), compacted and verified.
   *
   * @return the snapshot directory ({@code manifest.json} + {@code database.sqlite})
   */
  public Path snapshot(String agent, Path repository) {
    JsonNode out =
        json(
            "snapshot agent " + agent,
            "backup",
            "sqlite",
            "create",
            "--agent",
            agent,
            "--repository",
            repository.toString(),
            "--json");
    String path = out.path("snapshotPath").asText("");
    if (path.isEmpty()) {
      throw new SessionException(
          "`openclaw backup sqlite create` named no snapshot directory for agent " + agent);
    }
    return Path.of(path);
  }

  /** {@code openclaw backup sqlite restore DIR --target FILE --json} into a fresh file. */
  public void restore(Path snapshot, Path target) {
    json(
        "restore " + snapshot,
        "backup",
        "sqlite",
        "restore",
        snapshot.toString(),
        "--target",
        target.toString(),
        "--json");
  }

  /**
   * {@code openclaw doctor --non-interactive}: the run OpenClaw asks for after a restored store is
   * moved into place. Findings (e.g. a plaintext provider key) make it exit 1 without anything
   * wrong with the store, so its outcome is returned, not judged.
   */
  public CliResult doctor() {
    return run("doctor", "--non-interactive");
  }

  /**
   * {@code openclaw sessions list --agent ID --limit all --json}: session key → when it was last
   * updated, as OpenClaw's own session index shows them (read live, by OpenClaw).
   */
  public Map<String, java.time.Instant> sessionTimes(String agent) {
    JsonNode out =
        json(
            "list the sessions of agent " + agent,
            "sessions",
            "list",
            "--agent",
            agent,
            "--limit",
            "all",
            "--json");
    Map<String, java.time.Instant> times = new LinkedHashMap<>();
    out.path("sessions")
        .forEach(
            s ->
                times.put(
                    s.path("key").asText(),
                    java.time.Instant.ofEpochMilli(s.path("updatedAt").asLong(0))));
    return times;
  }

  /**
   * {@code openclaw sessions list --agent ID --limit all --json}: session key → session id, as
   * OpenClaw's own session index shows them.
   */
  public Map<String, String> sessions(String agent) {
    JsonNode out =
        json(
            "list the sessions of agent " + agent,
            "sessions",
            "list",
            "--agent",
            agent,
            "--limit",
            "all",
            "--json");
    Map<String, String> keys = new LinkedHashMap<>();
    out.path("sessions")
        .forEach(s -> keys.put(s.path("key").asText(), s.path("sessionId").asText()));
    return keys;
  }

  /** Stops a gateway OpenClaw's own service manager runs ({@code openclaw gateway stop}). */
  public CliResult stopGateway() {
    return run("gateway", "stop");
  }

  private JsonNode json(String what, String... args) {
    CliResult r = run(args);
    if (!r.ok()) {
      String reason = reason(r);
      throw new SessionException("OpenClaw could not " + what + ": " + reason);
    }
    return r.json();
  }

  private CliResult run(String... args) {
    try {
      return openclaw.cli().run(timeout, List.of(args));
    } catch (OpenClawException e) {
      throw new SessionException(e.getMessage(), e);
    }
  }

  /** OpenClaw's own error message from a {@code --json} failure envelope, else the output tail. */
  private static String reason(CliResult r) {
    if (r.timedOut()) {
      return "`"
          + String.join(" ", r.argv())
          + "` timed out after "
          + r.elapsed().toSeconds()
          + "s";
    }
    try {
      String message = r.json().path("error").path("message").asText("");
      if (!message.isEmpty()) {
        return message + " (exit " + r.exitCode() + ")";
      }
    } catch (OpenClawException expected) {
      // Not JSON: fall back to the last lines it printed.
    }
    return oneLine(r);
  }

  private static String oneLine(CliResult r) {
    List<String> lines = new ArrayList<>();
    (r.stderr() + "\n" + r.stdout()).lines().filter(l -> !l.isBlank()).forEach(lines::add);
    String tail = lines.isEmpty() ? "" : lines.getLast().strip();
    return "exit " + r.exitCode() + (tail.isEmpty() ? "" : ": " + tail);
  }
}
