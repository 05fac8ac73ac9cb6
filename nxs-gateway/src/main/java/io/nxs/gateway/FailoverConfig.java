package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.nxs.core.config.ConfigSection;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code failover:} block of the seed's {@code providers.yaml} (SPEC GW2, GW4), plus the tuning
 * issue 3 adds.
 *
 * @param mode how the chain is walked; default {@code sequential}
 * @param maxRetriesPerProvider cap on a provider's own {@code retry}; default 2, in [0, 10]
 * @param globalTimeout bound on the whole request, retries included; default 300s
 * @param hedgeDelay in {@code parallel} mode, how long the first provider may take to its first
 *     token before the next one is started too; default 2s
 * @param retryBudget retries allowed per first attempt, per provider, e.g. 0.2 = 20 %; default 0.2
 * @param minRetriesPerSecond retries always allowed per provider and second; default 5
 * @param rotationOverlap how long a new and an old key overlap (GW7); default 24h
 * @param rotationMinSuccess the new key's success rate needed for promotion; default 0.99
 * @param probeInterval how often providers are probed with {@code GET /v1/models} (GW8, GW12);
 *     default 30s
 */
public record FailoverConfig(
    Mode mode,
    int maxRetriesPerProvider,
    Duration globalTimeout,
    Duration hedgeDelay,
    double retryBudget,
    int minRetriesPerSecond,
    Duration rotationOverlap,
    double rotationMinSuccess,
    Duration probeInterval) {

  public static final ConfigSection<FailoverConfig> SECTION =
      ConfigSection.of("failover", FailoverConfig.class, FailoverConfig::defaults);

  @JsonCreator
  public FailoverConfig(
      @JsonProperty("mode") Mode mode,
      @JsonProperty("max_retries_per_provider") Integer maxRetriesPerProvider,
      @JsonProperty("global_timeout") Duration globalTimeout,
      @JsonProperty("hedge_delay") Duration hedgeDelay,
      @JsonProperty("retry_budget") Double retryBudget,
      @JsonProperty("min_retries_per_second") Integer minRetriesPerSecond,
      @JsonProperty("rotation_overlap") Duration rotationOverlap,
      @JsonProperty("rotation_min_success") Double rotationMinSuccess,
      @JsonProperty("probe_interval") Duration probeInterval) {
    this(
        mode == null ? Mode.SEQUENTIAL : mode,
        maxRetriesPerProvider == null ? 2 : maxRetriesPerProvider,
        globalTimeout == null ? Duration.ofSeconds(300) : globalTimeout,
        hedgeDelay == null ? Duration.ofSeconds(2) : hedgeDelay,
        retryBudget == null ? 0.2 : retryBudget,
        minRetriesPerSecond == null ? 5 : minRetriesPerSecond,
        rotationOverlap == null ? Duration.ofHours(24) : rotationOverlap,
        rotationMinSuccess == null ? 0.99 : rotationMinSuccess,
        probeInterval == null ? Duration.ofSeconds(30) : probeInterval);
  }

  /** Every default: sequential, 2 retries per provider, 300 s overall. */
  public static FailoverConfig defaults() {
    return new FailoverConfig((Mode) null, null, null, null, null, null, null, null, null);
  }

  public FailoverConfig {
    if (maxRetriesPerProvider < 0 || maxRetriesPerProvider > 10) {
      throw new IllegalArgumentException(
          "max_retries_per_provider must be in [0, 10], but was " + maxRetriesPerProvider);
    }
    if (globalTimeout.isNegative() || globalTimeout.isZero()) {
      throw new IllegalArgumentException("global_timeout must be > 0");
    }
    if (hedgeDelay.isNegative()) {
      throw new IllegalArgumentException("hedge_delay must not be negative");
    }
    if (!(retryBudget >= 0 && retryBudget <= 10)) {
      throw new IllegalArgumentException("retry_budget must be in [0, 10], but was " + retryBudget);
    }
    if (minRetriesPerSecond < 0) {
      throw new IllegalArgumentException(
          "min_retries_per_second must be >= 0, but was " + minRetriesPerSecond);
    }
    if (rotationOverlap.isNegative()) {
      throw new IllegalArgumentException("rotation_overlap must not be negative");
    }
    if (!(rotationMinSuccess >= 0 && rotationMinSuccess <= 1)) {
      throw new IllegalArgumentException(
          "rotation_min_success must be in [0, 1], but was " + rotationMinSuccess);
    }
    if (probeInterval.toMillis() < 100) {
      throw new IllegalArgumentException("probe_interval must be at least 100ms");
    }
  }

  /** How a chain of providers is used (GW4). */
  public enum Mode {
    /** One after another in priority order. */
    SEQUENTIAL,
    /**
     * Hedged: the next provider starts when the first is slow or failing; the first answer wins.
     */
    PARALLEL,
    /** Spread by weight (and health); the rest follow in order as fallbacks. */
    WEIGHTED;

    @JsonCreator
    public static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.label().equalsIgnoreCase(text == null ? "" : text.strip())) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "mode must be sequential, parallel or weighted, but was '" + text + "'");
    }

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
