package io.nxs.doctor.heal;

import io.nxs.core.ext.HealingAction;
import java.util.Map;
import java.util.Optional;

/**
 * Level 4, {@code doctor.restart_nxs}: restarts NXS itself by leaving with {@link #EXIT_CODE} after
 * a graceful stop, so that its supervisor starts it again — systemd ({@code Restart=on-failure} in
 * the shipped unit), a container runtime ({@code restart: unless-stopped}, Kubernetes). Without a
 * supervisor nobody would start it again, so it refuses and says so. Waits for an operator's
 * approval (level 4).
 *
 * <p>The exit itself is the {@code exit} hook's job (the daemon's wiring schedules {@code
 * System.exit} a moment later, so the attempt is recorded as verifying first; after the restart the
 * Doctor verifies it from the stored record).
 */
public final class RestartNxsAction implements HealingAction {

  /** Its name in rules and the healing log. */
  public static final String NAME = "doctor.restart_nxs";

  /** EX_TEMPFAIL: a failure exit, so {@code Restart=on-failure} restarts. */
  public static final int EXIT_CODE = 75;

  /** Leaves the process with a code. */
  @FunctionalInterface
  public interface Exit {
    void exit(int code);
  }

  private final Optional<String> supervisor;
  private final Exit exit;

  /**
   * @param supervisor what would start NXS again, e.g. {@code systemd}; empty when nothing would
   * @param exit stops the process gracefully with the given code
   */
  public RestartNxsAction(Optional<String> supervisor, Exit exit) {
    this.supervisor = supervisor;
    this.exit = exit;
  }

  /**
   * The supervisor the environment reveals: systemd sets {@code INVOCATION_ID} for every unit it
   * starts, Kubernetes sets {@code KUBERNETES_SERVICE_HOST} and container runtimes {@code
   * container}; NXS's own image sets {@code NXS_SUPERVISED}.
   */
  public static Optional<String> supervisorFrom(Map<String, String> env) {
    if (present(env, "INVOCATION_ID") || present(env, "NOTIFY_SOCKET")) {
      return Optional.of("systemd");
    }
    if (present(env, "KUBERNETES_SERVICE_HOST")) {
      return Optional.of("kubernetes");
    }
    if (present(env, "NXS_SUPERVISED")) {
      return Optional.of(env.get("NXS_SUPERVISED"));
    }
    if (present(env, "container")) {
      return Optional.of("container runtime (" + env.get("container") + ")");
    }
    return Optional.empty();
  }

  private static boolean present(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isBlank();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int level() {
    return 4;
  }

  @Override
  public String description() {
    return "stop NXS gracefully with exit code "
        + EXIT_CODE
        + " so that its supervisor starts it again";
  }

  @Override
  public Outcome execute(String target, boolean dryRun) {
    if (supervisor.isEmpty()) {
      return new Outcome(
          false,
          "NXS does not run under a supervisor that would start it again (systemd, a container"
              + " runtime); restart it by hand");
    }
    if (dryRun) {
      return new Outcome(true, "would restart NXS through " + supervisor.get());
    }
    exit.exit(EXIT_CODE);
    return new Outcome(
        true,
        "stopping NXS with exit code " + EXIT_CODE + "; " + supervisor.get() + " restarts it");
  }
}
