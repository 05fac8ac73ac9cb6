package io.nxs.vault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The target contract against a real S3 implementation (S3Mock) on loopback, path-style. */
class S3TargetTest extends TargetContract {

  private String prefix;

  @Override
  protected Target create() {
    prefix = "t-" + UUID.randomUUID() + "/";
    return S3Server.get().target(prefix);
  }

  @Override
  protected Target again() {
    return S3Server.get().target(prefix);
  }

  /**
   * Not run against S3Mock: it answers {@code If-None-Match: *} with 412 when the key exists (the
   * sequential case is tested above), but checks and writes without a lock, so two racing writers
   * can both win there. AWS S3 (and MinIO, R2) make the check and the write one atomic step. The
   * vault only relies on it for the repository's {@code config}, whose creators re-read what was
   * stored, so even a racy server is harmless there (ADR 0055).
   */
  @Override
  @Disabled("S3Mock's conditional write is not atomic under a race; see the javadoc")
  @Test
  void twoWritersRacingForOneKeyGetExactlyOneWinner() {}

  @Test
  void objectsLiveUnderThePrefixOnly() throws Exception {
    target.put("config", "x".getBytes());

    try (S3Target other = S3Server.get().target("elsewhere-" + UUID.randomUUID() + "/")) {
      assertThat(other.list("")).isEmpty();
    }
    assertThat(target.describe()).startsWith("s3:" + S3Server.get().endpoint() + "/nxs/" + prefix);
  }

  @Test
  void anUnreachableServerIsAnIoErrorNamingThePlaceButNoCredentials() {
    try (S3Target dead =
        new S3Target(
            S3Server.deadEndpoint(), "us-east-1", true, "nxs", "p/", () -> S3Server.CREDENTIALS)) {
      assertThatThrownBy(() -> dead.get("config"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("s3:http://127.0.0.1:")
          .hasMessageNotContaining(S3Server.CREDENTIALS.secretKey())
          .hasMessageNotContaining(S3Server.CREDENTIALS.accessKey());
    }
  }

  @Test
  void aMissingBucketIsAnErrorNotAMissingObject() {
    try (S3Target wrong =
        new S3Target(
            S3Server.get().endpoint(),
            "us-east-1",
            true,
            "no-such-bucket",
            "",
            () -> S3Server.CREDENTIALS)) {
      assertThatThrownBy(() -> wrong.get("config"))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(java.nio.file.NoSuchFileException.class)
          .hasMessageContaining("NoSuchBucket");
    }
  }
}
