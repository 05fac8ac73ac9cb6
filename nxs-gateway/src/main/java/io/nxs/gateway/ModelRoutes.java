package io.nxs.gateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.nxs.core.config.ConfigSection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The optional {@code routes:} map: a logical model name to the chain of provider names it uses,
 * e.g. {@code coding: [kimi-primary, ollama-local]}.
 */
public final class ModelRoutes {

  public static final ConfigSection<ModelRoutes> SECTION =
      ConfigSection.of("routes", ModelRoutes.class, () -> ModelRoutes.of(Map.of()));

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");

  private final Map<String, List<String>> chains;

  private ModelRoutes(Map<String, List<String>> chains) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    chains.forEach(
        (name, chain) -> {
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("route name '" + name + "' is not a model name");
          }
          if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("route '" + name + "' lists no provider");
          }
          copy.put(name, List.copyOf(chain));
        });
    this.chains = Map.copyOf(copy);
    this.order = List.copyOf(copy.keySet());
  }

  private final List<String> order;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ModelRoutes of(Map<String, List<String>> chains) {
    return new ModelRoutes(chains == null ? Map.of() : chains);
  }

  /** Route name to provider names, in file order. */
  public Map<String, List<String>> chains() {
    Map<String, List<String>> ordered = new LinkedHashMap<>();
    order.forEach(n -> ordered.put(n, chains.get(n)));
    return ordered;
  }
}
