package io.nxs.vault.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.nxs.vault.VaultConfig;
import io.nxs.vault.VaultException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
   * @param secrets {@code secrets.yaml} of the home, read for S3 credentials the environment lacks
   * @throws VaultException when it cannot be opened (credentials missing, clone failed)
   */
  public static Target open(
      VaultConfig.Target t,
      Path home,
      Function<String, Path> resolve,
      Map<String, String> env,
      Path secrets) {
    return switch (t.type()) {
      case "local" -> new LocalTarget(resolve.apply(t.path()));
      case "s3" ->
          new S3Target(
              URI.create(t.endpoint()),
              t.region(),
              t.pathStyle(),
              t.bucket(),
              t.prefix(),
              () -> s3Credentials(t, env, secrets));
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
      VaultConfig.Target t, Map<String, String> env, Path secrets) {
    String access = env.get(t.accessKeyEnv());
    String secret = env.get(t.secretKeyEnv());
    if (present(access) && present(secret)) {
      return new S3Target.Credentials(access.strip(), secret.strip());
    }
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(Files.readString(secrets, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      root = null;
    } catch (IOException e) {
      // Jackson's message may quote the text around the error: say only which file.
      throw new VaultException(
          secrets + ": not valid YAML, so the s3 target's credentials cannot be read from it");
    }
    JsonNode entry = root == null ? null : root.path("vault").path("s3").path(t.bucket());
    if (entry != null
        && entry.path("access_key").isTextual()
        && entry.path("secret_key").isTextual()
        && present(entry.path("access_key").asText())
        && present(entry.path("secret_key").asText())) {
      return new S3Target.Credentials(
          entry.path("access_key").asText().strip(), entry.path("secret_key").asText().strip());
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
            + secrets);
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
