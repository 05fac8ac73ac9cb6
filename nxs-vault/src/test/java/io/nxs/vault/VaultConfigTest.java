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
  }

  @Test
  void sourcesTargetsAndRetentionBindAsWritten() {
    VaultConfig c = parse("""
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

    assertThat(c.sources()).containsExactly(
        new VaultConfig.Source("/srv/agent", List.of("**/*.md"), List.of("**/.git/**")));
    assertThat(c.targets()).hasSize(2);
    assertThat(c.retention()).isEqualTo(new VaultConfig.Retention(24, 14, 4, 12));
    assertThat(c.schedule().backup()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void badValuesAreRefusedWithTheirLocationAndWhatIsWrong() {
    assertThatThrownBy(() -> parse("vault:\n  targets:\n    - type: s3\n      path: x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:3")
        .hasMessageContaining("target type 's3' is not available in this build");
    assertThatThrownBy(() -> parse("vault:\n  retention:\n    daily: -1\n"))
        .hasMessageContaining("daily must be in [0, 10000], but was -1");
    assertThatThrownBy(() -> parse("vault:\n  schedule:\n    backup: 10s\n"))
        .hasMessageContaining("at least 1m");
    assertThatThrownBy(() -> parse(
            "vault:\n  targets:\n    - {type: local, path: a}\n    - {type: local, path: a}\n"))
        .hasMessageContaining("are the same directory 'a'");
  }
}
