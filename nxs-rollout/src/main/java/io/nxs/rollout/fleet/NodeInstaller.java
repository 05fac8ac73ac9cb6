package io.nxs.rollout.fleet;

import io.nxs.rollout.release.ReleaseException;
import java.nio.file.Path;

/** How an instance installs a release and goes back to the one it kept (SPEC RO2, RO4). */
public interface NodeInstaller {

  /** The version that runs, or is installed to run at the next start; empty when unknown. */
  String installed();

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
