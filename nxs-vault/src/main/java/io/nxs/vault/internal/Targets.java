package io.nxs.vault.internal;

import io.nxs.core.NxsException;
import io.nxs.core.secrets.Secrets;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** Opens the {@link Target} a {@code vault.targets} entry describes. */
public final class Targets {

  private Targets() {}

  /**
   * Opens a target.
   *
   * @param resolve turns a configured local path into an absolute one
   * @param env the environment S3 credentials are read from
   * @throws VaultException when it cannot be opened (credentials missing, clone failed)
   */
  public static Target open(
      VaultConfig.Target t, Path home, Function<String, Path> resolve, Map<String, String> env) {
    return switch (t.type()) {
      case "local" -> new LocalTarget(resolve.apply(t.path()));
      case "s3" ->
          new S3Target(
              URI.create(t.endpoint()),
              t.region(),
              t.pathStyle(),
              t.bucket(),
              t.prefix(),
              () -> s3Credentials(t, env, home));
      case "git" -> GitTarget.open(t.url(), t.branch(), home.resolve("vault").resolve("git"));
      default -> throw new VaultException("target type '" + t.type() + "' is unknown");
    };
  }

  /**
   * The key pair of an S3 target: the environment variables it names, else {@code secrets.yaml}:
   *
   * <pre>
   * vault:
   *   s3:
   *     BUCKET:
   *       access_key: "..."
   *       secret_key: "..."
   * </pre>
   *
   * Messages name the variables, the file and the keys, never a value.
   */
  static S3Target.Credentials s3Credentials(
      VaultConfig.Target t, Map<String, String> env, Path home) {
    String access = env.get(t.accessKeyEnv());
    String secret = env.get(t.secretKeyEnv());
    if (present(access) && present(secret)) {
      return new S3Target.Credentials(access.strip(), secret.strip());
    }
    Path file = home.resolve(Secrets.FILE);
    VaultSecrets.S3Key stored;
    try {
      stored = Secrets.read(home, VaultSecrets.SECTION).s3().get(t.bucket());
    } catch (NxsException e) {
      // Core's message names the file, line and key, never a value.
      throw new VaultException("the s3 target's credentials cannot be read: " + e.getMessage(), e);
    }
    if (stored != null && stored.complete()) {
      return new S3Target.Credentials(stored.accessKey(), stored.secretKey());
    }
    throw new VaultException(
        "no credentials for the s3 target "
            + t.where()
            + ": set the environment variables "
            + t.accessKeyEnv()
            + " and "
            + t.secretKeyEnv()
            + ", or put vault.s3."
            + t.bucket()
            + ".access_key and .secret_key in "
            + file);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
