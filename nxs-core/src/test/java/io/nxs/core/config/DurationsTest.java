package io.nxs.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesTheUnitsOperatorsWrite() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void rejectsTextThatIsNoDuration() {
    assertThatThrownBy(() -> Durations.parse("5 minutes"))
        .hasMessageContaining("but was '5 minutes'");
  }

  @Test
  void formatsInTheLargestWholeUnit() {
    assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void sizesUseDecimalAndBinaryUnitsAsWritten() {
    assertThat(ByteSize.parse("512MB").bytes()).isEqualTo(512_000_000L);
    assertThat(ByteSize.parse("1GiB").bytes()).isEqualTo(1L << 30);
    assertThat(ByteSize.parse("4096").bytes()).isEqualTo(4096);
    assertThatThrownBy(() -> ByteSize.parse("lots")).hasMessageContaining("'lots'");
  }
}
