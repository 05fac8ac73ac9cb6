package io.nxs.rollout.fleet;

import io.nxs.rollout.release.ReleaseException;
import java.nio.file.Path;
import java.util.Optional;

/** How an instance installs a release and goes back to the one it kept (SPEC RO2, RO4). */
public interface NodeInstaller {

  /** The version that runs, or is installed to run at the next start; empty when unknown. */
  String installed();

  /**
   * The version this process runs: {@link #installed} is newer after an install until the process
   * has restarted into it.
   */
  default String running() {
    return installed();
  }

  /**
   * Asks for this process to stop gracefully and start again on {@link #installed} (the launcher's
   * supervising loop restarts it; see {@link io.nxs.rollout.release.Restart}).
   *
   * @param fallback the version to go back to should the installed one crash-loop; empty for none
   * @return false when nothing would start this process again
   */
  default boolean restartInto(String fallback) {
    return false;
  }

  /**
   * Why {@code version} was put back to the previous one on this machine after it crash-looped,
   * when it was: a version that cannot run here is not installed again.
   */
  default Optional<String> crashLooped(String version) {
    return Optional.empty();
  }

  /** The version kept for a rollback: the newest installed one below {@link #installed}. */
  String previous();

  /**
   * Verifies and installs a release, then checks its build starts; on any failure the instance is
   * left on the version it ran.
   *
   * @param sha256 the archive's SHA-256 as the rollout was started with
   * @throws ReleaseException with a one-line reason when anything fails
   */
  void install(Path archive, String sha256);

  /**
   * Goes back to a version kept on this instance.
   *
   * @throws ReleaseException when it is not kept here
   */
  void restore(String version);
}
