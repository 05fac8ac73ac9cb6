package io.nxs.core.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.nxs.core.http.ServerConfig;
import java.util.List;
import java.util.Map;

/**
 * Whatever bytes arrive as {@code nxs.yaml}, the loader either binds them or throws its documented
 * {@link ConfigException}; nothing else escapes. Plain {@code ./mvnw verify} replays the seed
 * inputs; {@code JAZZER_FUZZ=1} fuzzes for the bounded time.
 */
class ConfigLoaderFuzzTest {

  record Nested(List<Map<String, String>> items, java.time.Duration every, ByteSize size) {}

  private static final ConfigLoader LOADER =
      new ConfigLoader(
          List.of(ServerConfig.SECTION, ConfigSection.of("nested", Nested.class)),
          Map.of("HOME", "/root"));

  @FuzzTest(maxDuration = "20s")
  void loaderThrowsOnlyConfigException(FuzzedDataProvider data) {
    try {
      LOADER.parse(data.consumeRemainingAsString(), "fuzz.yaml");
    } catch (ConfigException expected) {
      // The documented outcome for invalid input.
    }
  }
}
