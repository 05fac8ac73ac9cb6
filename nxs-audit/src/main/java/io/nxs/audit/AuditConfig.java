package io.nxs.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.Durations;
import java.time.Duration;

/**
 * The {@code audit:} section of {@code nxs.yaml} (SPEC AU3).
 *
 * @param retention how long entries stay in the live log before {@link AuditLog#archive} moves them
 *     to a signed archive file; default 30d, at least 1h
 */
public record AuditConfig(@JsonProperty("retention") Duration retention) {

  /** The section as registered with the config loader. */
  public static final ConfigSection<AuditConfig> SECTION =
      ConfigSection.of("audit", AuditConfig.class, AuditConfig::defaults);

  /** Default retention of the live log. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  /** Binds the YAML section; an absent {@code retention} takes the default. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public AuditConfig {
    retention = retention == null ? DEFAULT_RETENTION : retention;
    if (retention.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException(
          "retention must be at least 1h, but was " + Durations.format(retention));
    }
  }

  /** The defaults: 30 days of live entries. */
  public static AuditConfig defaults() {
    return new AuditConfig(DEFAULT_RETENTION);
  }
}
