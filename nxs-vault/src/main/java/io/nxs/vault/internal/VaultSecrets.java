package io.nxs.vault.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The vault's section of {@code secrets.yaml}: S3 key pairs per bucket, for targets whose
 * environment variables are not set. The file belongs to core's {@link
 * io.nxs.core.secrets.Secrets}; this is only the section's shape.
 *
 * <pre>
 * vault:
 *   s3:
 *     BUCKET:
 *       access_key: "..."
 *       secret_key: "..."
 * </pre>
 *
 * No message or {@code toString} ever quotes a key.
 *
 * @param s3 key pairs by bucket
 */
record VaultSecrets(Map<String, S3Key> s3) {

  static final ConfigSection<VaultSecrets> SECTION = ConfigSection.of("vault", VaultSecrets.class);

  @JsonCreator
  VaultSecrets(@JsonProperty("s3") Map<String, S3Key> s3) {
    this.s3 = s3 == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(s3));
  }

  /**
   * One bucket's key pair; blank values count as absent.
   *
   * @param accessKey the access key id
   * @param secretKey the secret access key
   */
  record S3Key(String accessKey, String secretKey) {

    @JsonCreator
    S3Key(
        @JsonProperty("access_key") String accessKey,
        @JsonProperty("secret_key") String secretKey) {
      this.accessKey = accessKey == null || accessKey.isBlank() ? null : accessKey.strip();
      this.secretKey = secretKey == null || secretKey.isBlank() ? null : secretKey.strip();
    }

    boolean complete() {
      return accessKey != null && secretKey != null;
    }

    @Override
    public String toString() {
      return "S3Key[access_key=" + (accessKey == null ? "absent" : "set") + ", secret_key=***]";
    }
  }
}
