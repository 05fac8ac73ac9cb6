package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.nxs.core.config.ConfigSection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code providers:} list (SPEC GW2): the seed's {@code providers.yaml} loads as written. Names
 * must be unique.
 */
public final class ProvidersConfig {

  public static final ConfigSection<ProvidersConfig> SECTION =
      ConfigSection.of("providers", ProvidersConfig.class, ProvidersConfig::none);

  private final List<ProviderConfig> list;

  private ProvidersConfig(List<ProviderConfig> list) {
    Set<String> names = new HashSet<>();
    for (ProviderConfig p : list) {
      if (p == null) {
        throw new IllegalArgumentException("a provider entry is empty");
      }
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("provider name '" + p.name() + "' appears twice");
      }
    }
    this.list = List.copyOf(list);
  }

  /** Binds the YAML list. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ProvidersConfig of(List<ProviderConfig> list) {
    return new ProvidersConfig(list == null ? List.of() : list);
  }

  /** An absent section: no providers. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public static ProvidersConfig none() {
    return new ProvidersConfig(List.of());
  }

  /** The providers in file order. */
  public List<ProviderConfig> list() {
    return list;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }
}
