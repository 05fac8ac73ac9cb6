package io.nxs.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.sync.internal.PathScope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's {@code sync-manifest.yaml} (seed 002 §3) and the {@code sync:} section of nxs.yaml.
 */
class SyncManifestTest {

  @TempDir Path dir;

  static String seed() throws IOException {
    try (InputStream in =
        SyncManifestTest.class.getResourceAsStream("/io/nxs/sync/seed-sync-manifest.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theSeedManifestLoadsAsWritten() throws IOException {
    Path file = dir.resolve("sync-manifest.yaml");
    Files.writeString(file, seed());

    SyncManifest m = SyncManifest.load(file);

    assertThat(m.interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(m.conflictResolution()).isEqualTo("last-write-wins");
    assertThat(m.include())
        .containsExactly(
            "memory/*.md", "MEMORY.md", "DECISION-LOG.md", "TECHNOLOGY-MATRIX.md", "config/*.yaml");
    assertThat(m.exclude()).containsExactly("*.tmp", "*.log", "credentials/**", "cache/**");
    assertThat(m.mergeRules())
        .containsExactly(
            new SyncManifest.MergeRule("DECISION-LOG.md", Strategy.APPEND),
            new SyncManifest.MergeRule("MEMORY.md", Strategy.REPLACE),
            new SyncManifest.MergeRule("memory/*.md", Strategy.APPEND_DATE));
    assertThat(SyncManifest.defaults()).isEqualTo(m);
  }

  @Test
  void anUnknownStrategyIsAConfigErrorWithTheManifestsFileAndLine() throws IOException {
    Path file = dir.resolve("sync-manifest.yaml");
    Files.writeString(file, seed().replace("strategy: \"append-date\"", "strategy: \"merge\""));

    assertThatThrownBy(() -> SyncManifest.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "sync-manifest.yaml:28:17: sync.merge_rules[2].strategy: expected one of append,"
                + " replace, append-date, but was 'merge'");
  }

  @Test
  void otherMistakesNameTheirPlaceToo() {
    assertThatThrownBy(
            () -> SyncManifest.parse("sync:\n  interval: \"5m\"\n  includes: []\n", "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("m.yaml:3:")
        .hasMessageContaining("sync.includes: unknown key");
    assertThatThrownBy(
            () ->
                SyncManifest.parse(
                    "sync:\n  conflict_resolution: \"first-write-wins\"\n", "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("conflict_resolution must be 'last-write-wins'");
    assertThatThrownBy(
            () ->
                SyncManifest.parse(
                    "sync:\n  merge_rules:\n    - pattern: \"[a-\"\n      strategy: append\n",
                    "m.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not a valid glob");
  }

  @Test
  void excludesAlwaysWinAndCopiesOfIncludedFilesAreInScope() {
    PathScope scope = new PathScope(SyncManifest.defaults());

    assertThat(scope.syncs("memory/2026-12-06.md")).isTrue();
    assertThat(scope.syncs("MEMORY.md")).isTrue();
    assertThat(scope.syncs("MEMORY.conflict-20261206T101000Z-cloud.md")).isTrue();
    assertThat(scope.syncs("AGENTS.md")).isFalse();
    assertThat(scope.syncs("memory/sub/deeper.md")).isFalse();
    assertThat(scope.syncs("credentials/MEMORY.md")).isFalse();
    assertThat(scope.syncs("config/credentials/x.yaml")).isFalse();
    assertThat(scope.syncs("cache/memory/x.md")).isFalse();
    assertThat(scope.syncs("memory/x.md.tmp")).isFalse();
    assertThat(scope.syncs(".git/MEMORY.md")).isFalse();
    assertThat(scope.strategyFor("DECISION-LOG.md")).contains(Strategy.APPEND);
    assertThat(scope.strategyFor("MEMORY.conflict-20261206T101000Z-cloud.md"))
        .contains(Strategy.REPLACE);
    assertThat(scope.strategyFor("config/a.yaml")).isEmpty();
  }

  @Test
  void theSyncSectionValidatesTheRemoteAndDefaultsTheRest() {
    ConfigLoader loader = new ConfigLoader(List.of(SyncConfig.SECTION), Map.of());

    SyncConfig off = loader.defaults().section(SyncConfig.SECTION);
    SyncConfig on =
        loader
            .parse("sync:\n  remote: \"/srv/agent.git\"\n  interval: 30s\n", "nxs.yaml")
            .section(SyncConfig.SECTION);

    assertThat(off.enabled()).isFalse();
    assertThat(on.enabled()).isTrue();
    assertThat(on.branch()).isEqualTo("main");
    assertThat(on.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> loader.parse("sync:\n  remote: \"ftp://host/agent\"\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nxs.yaml:")
        .hasMessageContaining("is not a git URL");
    assertThatThrownBy(
            () -> loader.parse("sync:\n  remote: \"https://me:s3cret@host/a.git\"\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must not carry a password")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> loader.parse("sync:\n  remote: \"git@host:a.git\"\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ssh");
  }
}
