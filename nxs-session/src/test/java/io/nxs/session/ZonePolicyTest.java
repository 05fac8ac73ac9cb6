package io.nxs.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZonePolicyTest {

  @TempDir Path dir;
  private final Instant now = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void theSeedsZonesByAge() {
    ZonePolicy z = ZonePolicy.DEFAULT;
    assertThat(z.classify(now.minus(Duration.ofHours(23)), now)).isEqualTo(Zone.HOT);
    assertThat(z.classify(now.minus(Duration.ofHours(24)), now)).isEqualTo(Zone.HOT);
    assertThat(z.classify(now.minus(Duration.ofHours(25)), now)).isEqualTo(Zone.WARM);
    assertThat(z.classify(now.minus(Duration.ofDays(7)), now)).isEqualTo(Zone.WARM);
    assertThat(z.classify(now.minus(Duration.ofDays(8)), now)).isEqualTo(Zone.COLD);
    assertThat(z.classify(now.minus(Duration.ofDays(91)), now)).isEqualTo(Zone.FROZEN);
  }

  @Test
  void theSessionSectionLoadsWithItsDefaultsAndItsOwnZones() throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("nxs.yaml"),
            "session:\n  zones:\n    hot: 2h\n    warm: 2d\n  chunk_size: 1MB\n  attempts: 5\n");
    SessionConfig c =
        new ConfigLoader(List.of(SessionConfig.SECTION), Map.of())
            .load(yaml)
            .section(SessionConfig.SECTION);
    assertThat(c.zones().hot()).isEqualTo(Duration.ofHours(2));
    assertThat(c.zones().warm()).isEqualTo(Duration.ofDays(2));
    assertThat(c.zones().cold()).isEqualTo(Duration.ofDays(90));
    assertThat(c.chunkSize().bytes()).isEqualTo(1_000_000);
    assertThat(c.attempts()).isEqualTo(5);
    assertThat(SessionConfig.defaults().attempts()).isEqualTo(3);
  }

  @Test
  void zonesOutOfOrderAreAConfigErrorWithFileAndLine() throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("nxs.yaml"), "session:\n  zones:\n    hot: 3d\n    warm: 2d\n");
    assertThatThrownBy(
            () ->
                new ConfigLoader(List.of(SessionConfig.SECTION), Map.of())
                    .load(yaml)
                    .section(SessionConfig.SECTION))
        .hasMessageContaining("nxs.yaml:")
        .hasMessageContaining("zones.warm (2d) must be longer than zones.hot (3d)");
  }

  @Test
  void theMigrationSubsectionChoosesHowStoresMoveAndABadValueIsAConfigErrorWithFileAndLine()
      throws Exception {
    ConfigLoader loader = new ConfigLoader(List.of(SessionConfig.SECTION), Map.of());
    Path good =
        Files.writeString(
            dir.resolve("good.yaml"),
            "session:\n  migration:\n    delta: always\n    keep_bases: 3\n");
    SessionConfig c = loader.load(good).section(SessionConfig.SECTION);
    assertThat(c.migration().delta()).isEqualTo(DeltaMode.ALWAYS);
    assertThat(c.migration().keepBases()).isEqualTo(3);
    assertThat(SessionConfig.defaults().migration())
        .isEqualTo(new SessionConfig.Migration(DeltaMode.AUTO, 2));

    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "session:\n  attempts: 3\n  migration:\n    delta: sometimes\n");
    assertThatThrownBy(() -> loader.load(bad).section(SessionConfig.SECTION))
        .hasMessageContaining("bad.yaml:4")
        .hasMessageContaining("session.migration.delta")
        .hasMessageContaining("one of auto, always, never");
    Path none =
        Files.writeString(dir.resolve("none.yaml"), "session:\n  migration:\n    keep_bases: 0\n");
    assertThatThrownBy(() -> loader.load(none).section(SessionConfig.SECTION))
        .hasMessageContaining("none.yaml:")
        .hasMessageContaining("keep_bases must be in [1, 100], but was 0");
  }
}
