package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.util.Map;

/**
 * The optional {@code budgets:} section (GW9): monthly cost limits, in the currency of the
 * providers' {@code prices}, for all traffic and per NXS API key id. Events fire at 50, 75, 90 and
 * 100 %; with {@code hard_stop: true} a spent budget answers 429 until the month ends.
 *
 * <pre>
 * budgets:
 *   global: {monthly: 200.0}
 *   keys:
 *     k_3f9a1c: {monthly: 20.0, hard_stop: true}
 * </pre>
 *
 * @param global the limit on all traffic, or null
 * @param keys limits by API key id
 */
public record BudgetsConfig(Limit global, Map<String, Limit> keys) {

  public static final ConfigSection<BudgetsConfig> SECTION =
      ConfigSection.of("budgets", BudgetsConfig.class, () -> new BudgetsConfig(null, null));

  @JsonCreator
  public BudgetsConfig(
      @JsonProperty("global") Limit global, @JsonProperty("keys") Map<String, Limit> keys) {
    this.global = global;
    this.keys = keys == null ? Map.of() : Map.copyOf(keys);
  }

  /**
   * One monthly limit.
   *
   * @param monthly the limit, &gt; 0
   * @param hardStop whether requests are refused (429) once it is spent; default false
   */
  public record Limit(double monthly, boolean hardStop) {
    @JsonCreator
    public Limit(
        @JsonProperty(value = "monthly", required = true) Double monthly,
        @JsonProperty("hard_stop") Boolean hardStop) {
      this(monthly == null ? 0 : monthly, hardStop != null && hardStop);
    }

    public Limit {
      if (!(monthly > 0) || Double.isInfinite(monthly)) {
        throw new IllegalArgumentException("monthly must be > 0, but was " + monthly);
      }
    }
  }
}
