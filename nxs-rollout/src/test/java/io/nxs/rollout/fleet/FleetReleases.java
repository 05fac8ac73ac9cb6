package io.nxs.rollout.fleet;

import io.nxs.rollout.release.ReleasePackager;
import io.nxs.rollout.release.ReleaseSignature;
import io.nxs.rollout.release.SmallRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

/** Small signed release archives for the rollout tests: a good build, or one that cannot start. */
final class FleetReleases {

  private FleetReleases() {}

  /**
   * A signed release whose {@code bin/nxs --version} says its version and exits 0, or, when {@code
   * starts} is false, fails as a build that crash-loops would.
   */
  static Path signed(Path dir, String version, boolean starts, KeyPair keys) throws IOException {
    return signed(
        dir,
        version,
        starts
            ? "#!/bin/sh\necho nxs " + version + "\n"
            : "#!/bin/sh\necho 'Exception in thread main: cannot start' >&2\nexit 1\n",
        Map.of(),
        keys);
  }

  /**
   * A signed release with this {@code bin/nxs} script and these files in its {@code dist/} (by
   * their path there).
   */
  static Path signed(
      Path dir, String version, String launcherScript, Map<String, Path> distFiles, KeyPair keys)
      throws IOException {
    ReleasePackager.Inputs inputs = SmallRelease.inputs(dir, version, version, launcherScript);
    for (Map.Entry<String, Path> f : distFiles.entrySet()) {
      Files.copy(f.getValue(), inputs.dist().resolve(f.getKey()));
    }
    Path archive =
        ReleasePackager.pack(inputs, Files.createDirectories(dir.resolve("out-" + version)));
    ReleaseSignature.sign(archive, keys.getPrivate());
    return archive;
  }
}
