package io.nxs.doctor.openclaw;

import io.nxs.doctor.command.ShellCommand;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who restarts OpenClaw's gateway: one authority, never two (docs/openclaw.md "Supervisors"). When
 * systemd runs it ({@code openclaw-gateway.service}, {@code Restart=always}) or OpenClaw hands its
 * lifecycle to an outside supervisor ({@code OPENCLAW_SUPERVISOR_MODE=external}), NXS does not
 * restart it a second way: two restarters race for the port and loop. A unit systemd gave up on
 * (failed after hitting its start limit) is recognised too: restarting behind systemd's back would
 * hide why it gave up.
 */
public final class RestartAuthority {

  /** OpenClaw's own systemd user unit. */
  public static final String UNIT = "openclaw-gateway.service";

  /** What the authority check found. */
  public sealed interface Finding {}

  /** Nobody else restarts it: the Doctor may. */
  public record Ours() implements Finding {}

  /** Someone else restarts it. */
  public record Theirs(String who) implements Finding {}

  /** Its supervisor gave up; an operator has to look. */
  public record GaveUp(String why) implements Finding {}

  /** Reads a unit's properties, e.g. through {@code systemctl --user show}. */
  @FunctionalInterface
  public interface Units {
    /** The unit's properties ({@code LoadState}, {@code ActiveState}, {@code Result}...). */
    Map<String, String> show(String unit);
  }

  private final Map<String, String> env;
  private final Units units;

  public RestartAuthority(Map<String, String> env, Units units) {
    this.env = Map.copyOf(env);
    this.units = units;
  }

  /** The real one: this process's environment and the user's systemd, when there is one. */
  public static RestartAuthority ofSystem(Map<String, String> env) {
    return new RestartAuthority(env, RestartAuthority::systemctlShow);
  }

  /** Who restarts the gateway now. */
  public Finding find() {
    String mode = env.getOrDefault("OPENCLAW_SUPERVISOR_MODE", "");
    if (mode.equalsIgnoreCase("external")) {
      return new Theirs("an external supervisor (OPENCLAW_SUPERVISOR_MODE=external)");
    }
    return judge(units.show(UNIT));
  }

  /** The verdict on a unit's properties. */
  static Finding judge(Map<String, String> unit) {
    if (!"loaded".equals(unit.get("LoadState"))) {
      return new Ours();
    }
    String active = unit.getOrDefault("ActiveState", "");
    String result = unit.getOrDefault("Result", "");
    switch (active) {
      case "active", "activating", "reloading", "deactivating" -> {
        return new Theirs("systemd (" + UNIT + " is " + active + ")");
      }
      case "failed" -> {
        if (result.equals("start-limit-hit")) {
          return new GaveUp(
              "systemd gave up on "
                  + UNIT
                  + " (start limit hit after "
                  + unit.getOrDefault("NRestarts", "?")
                  + " restarts): read 'journalctl --user -u "
                  + UNIT
                  + "', fix the cause, then 'systemctl --user reset-failed "
                  + UNIT
                  + "'");
        }
        if (result.equals("exit-code") && "78".equals(unit.get("ExecMainStatus"))) {
          return new GaveUp(
              UNIT
                  + " stopped on a configuration error (exit 78, RestartPreventExitStatus):"
                  + " run 'openclaw doctor --fix', then 'systemctl --user restart "
                  + UNIT
                  + "'");
        }
        return new Theirs("systemd (" + UNIT + " failed: " + result + ")");
      }
      default -> {
        // loaded but inactive: installed, not running; its Restart= applies once started, so
        // starting it is systemd's job too
        return new Theirs("systemd (" + UNIT + " is installed but " + active + ")");
      }
    }
  }

  private static Map<String, String> systemctlShow(String unit) {
    ShellCommand.Result r =
        ShellCommand.run(
            "command -v systemctl >/dev/null 2>&1 || exit 127; systemctl --user show "
                + unit
                + " --property=LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus"
                + " 2>/dev/null",
            Duration.ofSeconds(10));
    return r.exitCode() == 0 ? parse(r.output()) : Map.of();
  }

  /** {@code KEY=value} lines. */
  static Map<String, String> parse(String show) {
    Map<String, String> out = new HashMap<>();
    for (String line : show.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return out;
  }

  /** The finding as one line, or empty when the Doctor is the authority. */
  public static Optional<String> refusal(Finding f) {
    return switch (f) {
      case Ours o -> Optional.empty();
      case Theirs t ->
          Optional.of(
              "OpenClaw's gateway is restarted by " + t.who() + ": NXS does not restart it");
      case GaveUp g -> Optional.of(g.why());
    };
  }
}
