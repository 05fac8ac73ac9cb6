package io.nxs.rollout.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;

/**
 * The inputs of a small release for the rollout tests: a few-byte application jar, the given {@code
 * bin/nxs} script, a java-home that picks nothing, a config and a {@code dist/} with the systemd
 * unit — what {@link ReleasePackager} needs, in a tree of its own under {@code dir}.
 */
public final class SmallRelease {

  /** What the fake application jar of a version holds, before the version. */
  public static final String JAR_CONTENT = "the application jar of ";

  private SmallRelease() {}

  /**
   * Writes the inputs under {@code dir/in-<name>}.
   *
   * @param name the tree's name, unique in {@code dir} (the version, or the version with a suffix)
   */
  public static ReleasePackager.Inputs inputs(
      Path dir, String name, String version, String launcherScript) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in-" + name));
    Path jar = Files.writeString(in.resolve("nxs.jar"), JAR_CONTENT + version);
    Path launcher = Files.writeString(in.resolve("nxs"), launcherScript);
    Path javaHome = Files.writeString(in.resolve("java-home"), "nxs_pick_java() { :; }\n");
    Path config = Files.writeString(in.resolve("nxs.yaml"), "server:\n  port: 8787\n");
    Path dist = Files.createDirectories(in.resolve("dist"));
    Files.createDirectories(dist.resolve("systemd"));
    Files.writeString(dist.resolve("systemd/nxs.service"), "[Service]\n");
    return new ReleasePackager.Inputs(version, jar, launcher, javaHome, config, dist);
  }

  /** A fresh Ed25519 key pair for signing releases. */
  public static KeyPair keyPair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
