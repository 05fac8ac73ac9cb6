package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code audit:} section of nxs.yaml. */
class AuditConfigTest {

  private final ConfigLoader loader =
      new ConfigLoader(List.<ConfigSection<?>>of(AuditConfig.SECTION), Map.of());

  @Test
  void retentionDefaultsToThirtyDays() {
    assertThat(loader.parse("{}", "nxs.yaml").section(AuditConfig.SECTION).retention())
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void retentionIsConfigurable() {
    assertThat(
            loader
                .parse("audit:\n  retention: 90d\n", "nxs.yaml")
                .section(AuditConfig.SECTION)
                .retention())
        .isEqualTo(Duration.ofDays(90));
  }

  @Test
  void tooShortARetentionIsALocatedError() {
    assertThatThrownBy(() -> loader.parse("audit:\n  retention: 10m\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nxs.yaml:")
        .hasMessageContaining("retention must be at least 1h, but was 10m");
  }

  @Test
  void anUnknownKeyIsRejected() {
    assertThatThrownBy(() -> loader.parse("audit:\n  retension: 7d\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retension");
  }
}
