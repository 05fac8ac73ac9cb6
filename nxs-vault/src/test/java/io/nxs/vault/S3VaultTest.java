package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.audit.AuditQuery;
import io.nxs.vault.internal.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backups through the s3 target against a real S3 implementation (S3Mock) on loopback. */
class S3VaultTest {

  private final VaultFixture f = new VaultFixture();
  private final S3Server s3 = S3Server.get();

  @AfterEach
  void close() {
    f.close();
  }

  private VaultConfig.Target s3Target() {
    return VaultConfig.Target.s3(s3.endpoint().toString(), "nxs", "vault-" + UUID.randomUUID());
  }

  private void credentialsInSecretsFile() throws Exception {
    Files.writeString(
        f.home.resolve("secrets.yaml"),
        """
        providers: {}
        vault:
          s3:
            nxs:
              access_key: "%s"
              secret_key: "%s"
        """
            .formatted(S3Server.CREDENTIALS.accessKey(), S3Server.CREDENTIALS.secretKey()));
  }

  @Test
  void backupVerifyAndRestoreRoundTripThroughS3Alone() throws Exception {
    credentialsInSecretsFile();
    RandomTree.fill(f.agent, 21, 15);
    VaultConfig.Target bucket = s3Target();
    Vault vault =
        f.vault(
            VaultConfig.defaults()
                .withTargets(List.of(new VaultConfig.Target("local", "backups"), bucket)));

    BackupResult backup = vault.create(Progress.NONE);

    assertThat(backup.failedTargets()).isEmpty();
    assertThat(backup.snapshot().targets()).containsExactly("local:" + f.repo(), bucket.where());
    // The local disk is lost: the bucket alone verifies deeply and restores byte-identical.
    Vault fromBucket = f.vault(VaultConfig.defaults().withTargets(List.of(bucket)));
    VerifyReport report = fromBucket.verify("all", true, Progress.NONE);
    assertThat(report.ok()).as(report.problems().toString()).isTrue();
    assertThat(report.blobsRead()).isPositive();
    Path to = f.home.resolve("restored");
    fromBucket.restore(backup.snapshot().id(), to, null, Progress.NONE);
    assertThat(RandomTree.fingerprint(to.resolve("files/agent")))
        .isEqualTo(RandomTree.fingerprint(f.agent));
    vault.close();
    fromBucket.close();
  }

  @Test
  void aStoppedS3ServerIsReportedAndTheLocalTargetStillGetsTheSnapshot() throws Exception {
    VaultConfig.Target down = VaultConfig.Target.s3(S3Server.deadEndpoint().toString(), "nxs", "p");
    Vault vault =
        f.vault(
                VaultConfig.defaults()
                    .withTargets(List.of(new VaultConfig.Target("local", "backups"), down)))
            .environment(
                Map.of(
                    "NXS_S3_ACCESS_KEY",
                    S3Server.CREDENTIALS.accessKey(),
                    "NXS_S3_SECRET_KEY",
                    S3Server.CREDENTIALS.secretKey()));

    BackupResult result = vault.create(Progress.NONE);

    assertThat(result.failedTargets()).containsOnlyKeys(down.where());
    assertThat(result.failedTargets().get(down.where()))
        .doesNotContain(S3Server.CREDENTIALS.secretKey())
        .doesNotContain(S3Server.CREDENTIALS.accessKey());
    assertThat(result.snapshot().targets()).containsExactly("local:" + f.repo());
    assertThat(
            f.audit.query(AuditQuery.parse(null, "backup.create", null)).getLast().severityLabel())
        .isEqualTo("high");
    // Restores still work from what is reachable.
    Path to = f.home.resolve("from-local");
    vault.restore("latest", to, Vault.STATE_DB_PATH, Progress.NONE);
    assertThat(to.resolve(Vault.STATE_DB_PATH)).isRegularFile();
    vault.close();
  }

  @Test
  void missingCredentialsNameTheVariablesAndTheFileNeverAValue() {
    Vault vault =
        f.vault(VaultConfig.defaults().withTargets(List.of(s3Target())))
            .environment(Map.of("NXS_S3_ACCESS_KEY", "only-the-access-key"));

    assertThatThrownBy(() -> vault.create(Progress.NONE))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("NXS_S3_ACCESS_KEY and NXS_S3_SECRET_KEY")
        .hasMessageContaining("secrets.yaml")
        .hasMessageNotContaining("only-the-access-key");
  }

  @Test
  void aMistypedSecretsSectionNamesTheFileAndKeyNeverAValue() throws Exception {
    Files.writeString(
        f.home.resolve("secrets.yaml"),
        """
        vault:
          s3:
            nxs:
              acess_key: "AKIA-TYPO-VALUE-1234"
              secret_key: "a-secret-that-must-not-show"
        """);
    Vault vault = f.vault(VaultConfig.defaults().withTargets(List.of(s3Target())));

    assertThatThrownBy(() -> vault.create(Progress.NONE))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("secrets.yaml")
        .hasMessageContaining("acess_key")
        .hasMessageNotContaining("AKIA-TYPO-VALUE-1234")
        .hasMessageNotContaining("a-secret-that-must-not-show");
    vault.close();
  }
}
