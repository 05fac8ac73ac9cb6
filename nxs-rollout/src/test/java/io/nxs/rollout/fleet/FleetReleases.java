package io.nxs.rollout.fleet;

import io.nxs.rollout.release.ReleasePackager;
import io.nxs.rollout.release.ReleaseSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/** Small signed release archives for the rollout tests: a good build, or one that cannot start. */
final class FleetReleases {

  private FleetReleases() {}

  static KeyPair keys() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

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
    Path in = Files.createDirectories(dir.resolve("in-" + version));
    Path jar = Files.writeString(in.resolve("nxs.jar"), "the application jar of " + version);
    Path launcher = Files.writeString(in.resolve("nxs"), launcherScript);
    Path javaHome = Files.writeString(in.resolve("java-home"), "nxs_pick_java() { :; }\n");
    Path config = Files.writeString(in.resolve("nxs.yaml"), "server:\n  port: 8787\n");
    Path dist = Files.createDirectories(in.resolve("dist"));
    Files.createDirectories(dist.resolve("systemd"));
    Files.writeString(dist.resolve("systemd/nxs.service"), "[Service]\n");
    for (Map.Entry<String, Path> f : distFiles.entrySet()) {
      Files.copy(f.getValue(), dist.resolve(f.getKey()));
    }
    Path archive =
        ReleasePackager.pack(
            new ReleasePackager.Inputs(version, jar, launcher, javaHome, config, dist),
            Files.createDirectories(dir.resolve("out-" + version)));
    ReleaseSignature.sign(archive, keys.getPrivate());
    return archive;
  }
}
