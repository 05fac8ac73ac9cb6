package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vault key derived from a passphrase (vault.passphrase_env) instead of keys/vault.key. */
class PassphraseTest {

  private static final String VARIABLE = "NXS_VAULT_PASSPHRASE";
  private static final String PASSPHRASE = "correct horse battery staple";

  private final VaultFixture f = new VaultFixture();
  @TempDir Path offsite;

  @AfterEach
  void close() {
    f.close();
  }

  private VaultConfig config() {
    return VaultConfig.defaults()
        .withTargets(List.of(new VaultConfig.Target("local", offsite.resolve("repo").toString())))
        .withPassphraseEnv(VARIABLE);
  }

  @Test
  void aFreshMachineWithTheSamePassphraseRestoresAndNoKeyFileIsWritten() throws Exception {
    RandomTree.fill(f.agent, 41, 8);
    Vault vault = f.vault(config()).environment(Map.of(VARIABLE, PASSPHRASE));

    BackupResult backup = vault.create(Progress.NONE);

    assertThat(vault.keyFile()).doesNotExist();
    String configText = Files.readString(offsite.resolve("repo/config"));
    assertThat(configText).doesNotContain(PASSPHRASE);
    JsonNode kdf = Json.mapper().readTree(configText).path("kdf");
    assertThat(kdf.path("algorithm").asText()).isEqualTo("PBKDF2WithHmacSHA256");
    assertThat(kdf.path("iterations").asInt()).isGreaterThanOrEqualTo(600_000);
    assertThat(kdf.path("salt").asText()).isNotBlank();

    try (VaultFixture fresh = new VaultFixture()) {
      Vault there = fresh.vault(config()).environment(Map.of(VARIABLE, PASSPHRASE));
      Path to = fresh.home.resolve("restored");
      there.restore(backup.snapshot().id(), to, null, Progress.NONE);
      assertThat(RandomTree.fingerprint(to.resolve("files/agent")))
          .isEqualTo(RandomTree.fingerprint(f.agent));
    }
  }

  @Test
  void aWrongPassphraseIsAClearErrorAndRestoresNothing() throws Exception {
    RandomTree.fill(f.agent, 42, 4);
    f.vault(config()).environment(Map.of(VARIABLE, PASSPHRASE)).create(Progress.NONE);

    try (VaultFixture fresh = new VaultFixture()) {
      Vault there =
          fresh.vault(config()).environment(Map.of(VARIABLE, "correct horse battery stable"));
      Path to = fresh.home.resolve("nothing-here");

      assertThatThrownBy(() -> there.restore("latest", to, null, Progress.NONE))
          .isInstanceOf(WrongKeyException.class)
          .hasMessageContaining("the passphrase in " + VARIABLE + " does not open the repository")
          .hasMessageContaining("nothing was restored")
          .hasMessageNotContaining("battery");
      assertThat(to).doesNotExist();
    }
  }

  @Test
  void anUnsetOrShortPassphraseIsAOneLineErrorNamingTheVariable() {
    Vault unset = f.vault(config()).environment(Map.of());
    assertThatThrownBy(() -> unset.create(Progress.NONE))
        .isInstanceOf(VaultException.class)
        .hasMessageContaining("vault.passphrase_env names " + VARIABLE + ", which is not set");

    Vault shortOne = f.vault(config()).environment(Map.of(VARIABLE, "hunter2"));
    assertThatThrownBy(() -> shortOne.create(Progress.NONE))
        .hasMessageContaining("shorter than 12 characters")
        .hasMessageNotContaining("hunter2");
    assertThat(f.vault(config()).environment(Map.of(VARIABLE, PASSPHRASE)).list()).isEmpty();
  }
}
