package io.nxs.rollout.release;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

/**
 * The {@code release:} section of {@code nxs.yaml} (SPEC RO2): the public key a release must be
 * signed with before {@code nxs upgrade} installs it.
 *
 * @param publicKey the pinned Ed25519 public key: the PEM text itself (a YAML block scalar) or the
 *     path of a PEM file, relative to the home; absent (the default) means no release is trusted
 *     and {@code nxs upgrade} refuses every archive
 */
public record ReleaseConfig(@JsonProperty("public_key") String publicKey) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<ReleaseConfig> SECTION =
      ConfigSection.of("release", ReleaseConfig.class, ReleaseConfig::defaults);

  /** Binds the YAML section; PEM text is checked to be an Ed25519 public key here. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public ReleaseConfig {
    publicKey = publicKey == null || publicKey.isBlank() ? null : publicKey.strip();
    if (publicKey != null && isPem(publicKey)) {
      try {
        Ed25519Keys.parsePublic(publicKey, "public_key");
      } catch (ReleaseException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }

  /** No key pinned. */
  public static ReleaseConfig defaults() {
    return new ReleaseConfig(null);
  }

  /**
   * The pinned key, read from the PEM text or the file.
   *
   * @param home the NXS home a relative path is resolved against
   * @throws ReleaseException when the file cannot be read or holds no Ed25519 public key
   */
  public Optional<PublicKey> trustedKey(Path home) {
    if (publicKey == null) {
      return Optional.empty();
    }
    if (isPem(publicKey)) {
      return Optional.of(Ed25519Keys.parsePublic(publicKey, "release.public_key"));
    }
    return Optional.of(Ed25519Keys.readPublic(home.resolve(publicKey)));
  }

  private static boolean isPem(String value) {
    return value.startsWith("-----BEGIN");
  }
}
