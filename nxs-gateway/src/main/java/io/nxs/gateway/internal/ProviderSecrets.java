package io.nxs.gateway.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.nxs.core.config.ConfigSection;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The gateway's section of {@code secrets.yaml} (GW7): provider credentials kept out of {@code
 * nxs.yaml}. The file itself belongs to core's {@link io.nxs.core.secrets.Secrets}, which
 * validates, hot-reloads, rolls back and rewrites it; this is only the section's shape and checks.
 *
 * <pre>
 * providers:
 *   kimi-primary:
 *     api_key: "..."
 *     api_key_next: "..."          # during a rotation overlap
 *     overlap_until: "2026-01-02T00:00:00Z"
 * </pre>
 *
 * No message or {@code toString} ever quotes a key.
 *
 * @param byName each provider's credentials, in file order
 */
record ProviderSecrets(@JsonValue Map<String, Credential> byName) {

  static final ConfigSection<ProviderSecrets> SECTION =
      ConfigSection.of("providers", ProviderSecrets.class);

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static ProviderSecrets of(Map<String, Credential> byName) {
    return new ProviderSecrets(byName == null ? Map.of() : byName);
  }

  ProviderSecrets {
    byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /** The run-time check: every name must be a configured provider. */
  static Consumer<ProviderSecrets> onlyProviders(Set<String> configured) {
    Set<String> names = Set.copyOf(configured);
    return secrets ->
        secrets.byName.keySet().stream()
            .filter(name -> !names.contains(name))
            .findFirst()
            .ifPresent(
                name -> {
                  throw new IllegalArgumentException(
                      "providers." + name + ": no such provider in the configuration");
                });
  }

  /**
   * One provider's keys.
   *
   * @param apiKey the key in use; null leaves the one in {@code nxs.yaml}
   * @param apiKeyNext the key being rotated in during an overlap; null when none
   * @param overlapUntil when the overlap ends; null for the configured overlap from now
   */
  record Credential(String apiKey, String apiKeyNext, Instant overlapUntil) {

    @JsonCreator
    Credential(
        @JsonProperty("api_key") String apiKey,
        @JsonProperty("api_key_next") String apiKeyNext,
        @JsonProperty("overlap_until") Instant overlapUntil) {
      this.apiKey = usable(apiKey, "api_key");
      this.apiKeyNext = usable(apiKeyNext, "api_key_next");
      this.overlapUntil = overlapUntil;
      if (this.apiKeyNext != null && this.apiKey == null) {
        throw new IllegalArgumentException("api_key_next needs an api_key to fall back to");
      }
    }

    @JsonProperty("api_key")
    @Override
    public String apiKey() {
      return apiKey;
    }

    @JsonProperty("api_key_next")
    @Override
    public String apiKeyNext() {
      return apiKeyNext;
    }

    @JsonProperty("overlap_until")
    @Override
    public Instant overlapUntil() {
      return overlapUntil;
    }

    private static String usable(String key, String field) {
      if (key == null) {
        return null;
      }
      String s = key.strip();
      if (s.isEmpty()) {
        throw new IllegalArgumentException(field + " must be a non-empty string");
      }
      if (!s.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(field + " has spaces or control characters");
      }
      return s;
    }

    @Override
    public String toString() {
      return "Credential[overlapUntil=" + overlapUntil + "]";
    }
  }
}
