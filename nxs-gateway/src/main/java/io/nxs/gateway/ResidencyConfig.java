package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.config.ConfigSection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The optional {@code residency:} section (GW10): a default residency per NXS API key, so an agent
 * whose data must stay in the EU cannot reach another region even when it sends no {@code
 * x-nxs-residency} header (see ADR 0034).
 *
 * <pre>
 * residency:
 *   keys:
 *     openclaw: eu          # by key name (as in nxs key create --name)
 *     k_3f9a1c0b2d: eu-west # or by key id
 * </pre>
 *
 * <p>An entry names a key by its id or its name; the id's entry wins when both have one. A name
 * outlives the key itself: a key made again under the same name keeps the restriction, so replacing
 * a key never silently lifts it.
 *
 * @param keys residency tag by API key id or name, lower case
 */
public record ResidencyConfig(Map<String, String> keys) {

  public static final ConfigSection<ResidencyConfig> SECTION =
      ConfigSection.of("residency", ResidencyConfig.class, () -> new ResidencyConfig(null));

  private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  @JsonCreator
  public ResidencyConfig(@JsonProperty("keys") Map<String, String> keys) {
    Map<String, String> checked = new LinkedHashMap<>();
    if (keys != null) {
      keys.forEach(
          (key, tag) -> {
            String t = tag == null ? "" : tag.strip().toLowerCase(Locale.ROOT);
            if (!TAG.matcher(t).matches()) {
              throw new IllegalArgumentException(
                  "keys."
                      + key
                      + ": residency '"
                      + tag
                      + "' is not a region tag such as eu or eu-west");
            }
            checked.put(key, t);
          });
    }
    this.keys = Map.copyOf(checked);
  }

  /** The default residency of a key, by id first, then by name; null when it has none. */
  public String defaultFor(String keyId, String keyName) {
    String byId = keyId == null ? null : keys.get(keyId);
    return byId != null ? byId : keyName == null ? null : keys.get(keyName);
  }

  /**
   * Whether {@code tag} lies within {@code residency}: the same, or a sub-region ({@code eu-west}
   * within {@code eu}).
   */
  public static boolean within(String tag, String residency) {
    return tag.equals(residency) || tag.startsWith(residency + "-");
  }
}
