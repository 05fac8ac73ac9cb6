package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.HealthSource;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The vault's health as the Doctor reads it: recency, failed targets, one place only. */
class VaultHealthTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aTargetThatMissedTheLastBackupDegradesUntilABackupReachesEveryTarget() throws Exception {
    Files.writeString(
        f.home.resolve("offsite"), "a file where the second target's directory belongs");
    VaultConfig two =
        VaultConfig.defaults()
            .withTargets(
                List.of(
                    new VaultConfig.Target("local", "backups"),
                    new VaultConfig.Target("local", "offsite")));
    Vault vault = f.vault(two);
    VaultHealth health = new VaultHealth(vault.index(), Duration.ofHours(1), f.clock, 2);

    health.backedUp(vault.create(Progress.NONE));
    vault.verify("latest", false, Progress.NONE);

    assertThat(health.check().status()).isEqualTo(HealthSource.Status.DEGRADED);
    assertThat(health.check().detail())
        .contains("1 target(s) did not take the last backup")
        .contains("local:" + f.home.resolve("offsite"));

    Files.delete(f.home.resolve("offsite"));
    f.clock.advance(Duration.ofMinutes(5));
    health.backedUp(vault.create(Progress.NONE));
    vault.verify("latest", false, Progress.NONE);

    assertThat(health.check().status()).isEqualTo(HealthSource.Status.UP);
  }

  @Test
  void oneConfiguredTargetIsDegradedWithWhatToDo() {
    Vault vault = f.vault();
    VaultHealth health = new VaultHealth(vault.index(), Duration.ofHours(1), f.clock, 1);
    health.backedUp(vault.create(Progress.NONE));
    vault.verify("latest", false, Progress.NONE);

    assertThat(health.check().status()).isEqualTo(HealthSource.Status.DEGRADED);
    assertThat(health.check().detail())
        .isEqualTo(
            "one target: a lost disk loses every backup; add a second to vault.targets"
                + " (another disk, s3 or git)");
  }

  @Test
  void theFiguresTellTheDoctorTheRpoAndHowTheNewestBackupVerifyAndDrillWent() {
    Vault vault = f.vault();
    VaultHealth health = new VaultHealth(vault.index(), Duration.ofHours(1), f.clock, 1);
    health.backedUp(vault.create(Progress.NONE));
    vault.verify("latest", false, Progress.NONE);

    java.util.Map<String, Double> before = figures(health);
    assertThat(before)
        .containsEntry("vault.rpo_seconds", 3600.0)
        .containsEntry("vault.last_backup_failed", 0.0)
        .containsEntry("vault.last_verify_failed", 0.0)
        .doesNotContainKeys("vault.last_drill_seconds", "vault.last_drill_failed");

    vault.drill(Progress.NONE);
    assertThat(figures(health))
        .containsKey("vault.last_drill_seconds")
        .containsEntry("vault.last_drill_failed", 0.0);
  }

  @Test
  void thePrometheusSuccessRatioIsTheSameFigureTheDoctorReads() {
    Vault vault = f.vault();
    VaultHealth health = new VaultHealth(vault.index(), Duration.ofHours(1), f.clock, 1);
    health.backedUp(vault.create(Progress.NONE));

    assertThat(health.backupSuccessRate())
        .isEqualTo(1.0)
        .isEqualTo(figures(health).get("vault.backup_success_rate"));
  }

  private static java.util.Map<String, Double> figures(VaultHealth health) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    health.collect().forEach(s -> out.put(s.metric(), s.value()));
    return out;
  }
}
