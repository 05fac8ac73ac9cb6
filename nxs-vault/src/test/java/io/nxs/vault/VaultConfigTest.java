package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultConfigTest {

  private static VaultConfig parse(String yaml) {
    return new ConfigLoader(List.of(VaultConfig.SECTION), Map.of("AGENT", "/srv/agent"))
        .parse(yaml, "nxs.yaml")
        .section(VaultConfig.SECTION);
  }

  @Test
  void absentSectionGivesTheDocumentedDefaults() {
    VaultConfig c = parse("{}");

    assertThat(c.targets()).containsExactly(new VaultConfig.Target("local", "backups"));
    assertThat(c.retention()).isEqualTo(new VaultConfig.Retention(24, 7, 4, 12));
    assertThat(c.schedule().backup()).isEqualTo(Duration.ofHours(1));
    assertThat(c.schedule().drill()).isEqualTo(Duration.ofDays(30));
    assertThat(c.rpo()).isEqualTo(Duration.ofHours(1));
    assertThat(c.openclaw()).isNull();
    assertThat(c.openclawHome()).as("OpenClaw's home comes from openclaw.home").isNull();
    assertThat(c.deprecations()).isEmpty();
  }

  @Test
  void theOldOpenclawHomeKeyStillWorksWithOneLineNamingTheNewKey() {
    VaultConfig c = parse("vault:\n  openclaw_home: /srv/claw\n");

    assertThat(c.openclawHome()).isEqualTo("/srv/claw");
    assertThat(c.deprecations())
        .singleElement()
        .asString()
        .contains("vault.openclaw_home is deprecated")
        .contains("openclaw.home: /srv/claw")
        .doesNotContain("\n");
  }

  @Test
  void sourcesTargetsAndRetentionBindAsWritten() {
    VaultConfig c =
        parse(
            """
        vault:
          sources:
            - path: ${AGENT}
              include: ["**/*.md"]
              exclude: ["**/.git/**"]
          targets:
            - type: local
              path: /mnt/usb/nxs
            - type: local
              path: backups
          retention: {daily: 14}
          schedule: {backup: 30m}
        """);

    assertThat(c.sources())
        .containsExactly(
            new VaultConfig.Source("/srv/agent", List.of("**/*.md"), List.of("**/.git/**")));
    assertThat(c.targets()).hasSize(2);
    assertThat(c.retention()).isEqualTo(new VaultConfig.Retention(24, 14, 4, 12));
    assertThat(c.schedule().backup()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void badValuesAreRefusedWithTheirLocationAndWhatIsWrong() {
    assertThatThrownBy(() -> parse("vault:\n  targets:\n    - type: ftp\n      path: x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:3")
        .hasMessageContaining("target type 'ftp' is unknown: use local, s3 or git");
    assertThatThrownBy(() -> parse("vault:\n  retention:\n    daily: -1\n"))
        .hasMessageContaining("daily must be in [0, 10000], but was -1");
    assertThatThrownBy(() -> parse("vault:\n  schedule:\n    backup: 10s\n"))
        .hasMessageContaining("at least 1m");
    assertThatThrownBy(
            () ->
                parse(
                    "vault:\n  targets:\n    - {type: local, path: a}\n    - {type: local, path: a}\n"))
        .hasMessageContaining("are the same place 'local:a'");
  }

  @Test
  void s3AndGitTargetsBindWithTheirDefaults() {
    VaultConfig c =
        parse(
            """
        vault:
          passphrase_env: NXS_VAULT_PASSPHRASE
          targets:
            - type: s3
              endpoint: https://s3.example.org
              bucket: nxs-backups
              prefix: laptop
            - type: git
              url: https://git.example.org/me/backups.git
        """);

    VaultConfig.Target s3 = c.targets().get(0);
    assertThat(s3.prefix()).isEqualTo("laptop/");
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.pathStyle()).isTrue();
    assertThat(s3.accessKeyEnv()).isEqualTo("NXS_S3_ACCESS_KEY");
    assertThat(s3.secretKeyEnv()).isEqualTo("NXS_S3_SECRET_KEY");
    assertThat(c.targets().get(1).branch()).isEqualTo("main");
    assertThat(c.passphraseEnv()).isEqualTo("NXS_VAULT_PASSPHRASE");
  }

  @Test
  void eachTargetTypeRefusesMissingAndForeignKeysOnOneLocatedLine() {
    assertThatThrownBy(
            () ->
                parse(
                    "vault:\n  targets:\n    - type: s3\n      endpoint: https://s3.example.org\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:3")
        .hasMessageContaining("a s3 target needs bucket");
    assertThatThrownBy(() -> parse("vault:\n  targets:\n    - type: git\n      branch: main\n"))
        .hasMessageContaining("a git target needs url");
    assertThatThrownBy(
            () -> parse("vault:\n  targets:\n    - type: local\n      path: b\n      bucket: x\n"))
        .hasMessageContaining("'bucket' is not a key of a local target");
    assertThatThrownBy(
            () ->
                parse(
                    "vault:\n  targets:\n    - {type: s3, endpoint: 's3.example.org', bucket: b}\n"))
        .hasMessageContaining("must be an http(s) URL");
    assertThatThrownBy(
            () ->
                parse(
                    "vault:\n  targets:\n    - {type: s3, endpoint: 'https://s3.example.org', bucket: b, access_key_env: 'AKIA SECRET'}\n"))
        .hasMessageContaining("access_key_env names an environment variable");
    assertThatThrownBy(
            () ->
                parse(
                    "vault:\n  targets:\n    - {type: git, url: 'https://me:hunter2hunter2@git.example.org/b.git'}\n"))
        .hasMessageContaining("must not carry a password")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse("vault:\n  passphrase_env: 'correct horse battery'\n"))
        .hasMessageContaining("passphrase_env names an environment variable");
  }
}
