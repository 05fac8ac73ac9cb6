package io.nxs.gateway;

import io.nxs.core.NxsException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.config.NxsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's whole configuration, cross-checked: the providers, the failover block and the
 * routes, taken from {@code nxs.yaml} or from the file {@code providers_file:} names.
 *
 * @param providers the providers, in file order
 * @param failover the failover block
 * @param routes the named chains
 * @param source where the providers came from (for messages)
 */
public record GatewayConfig(
    List<ProviderConfig> providers, FailoverConfig failover, ModelRoutes routes, String source) {

  /** The name that always means "the default chain". */
  public static final String AUTO = "auto";

  /** The sections a providers file may hold. */
  static final List<ConfigSection<?>> FILE_SECTIONS =
      List.of(ProvidersConfig.SECTION, FailoverConfig.SECTION, ModelRoutes.SECTION);

  public GatewayConfig {
    providers = List.copyOf(providers);
    Set<String> names = providers.stream().map(ProviderConfig::name).collect(Collectors.toSet());
    for (Map.Entry<String, List<String>> route : routes.chains().entrySet()) {
      if (names.contains(route.getKey()) || route.getKey().equals(AUTO)) {
        throw new NxsException(
            source
                + ": routes."
                + route.getKey()
                + ": a route must not share its name with a provider or 'auto'");
      }
      for (String p : route.getValue()) {
        if (!names.contains(p)) {
          throw new NxsException(
              source
                  + ": routes."
                  + route.getKey()
                  + ": unknown provider '"
                  + p
                  + "' (known: "
                  + String.join(", ", names.stream().sorted().toList())
                  + ")");
        }
      }
    }
  }

  /**
   * Reads the gateway's part of a loaded {@code nxs.yaml}, following {@code providers_file:}.
   *
   * @param home what a relative {@code providers_file} is resolved against
   * @param env the environment for {@code ${ENV}} expansion in the providers file
   * @throws io.nxs.core.config.ConfigException with file:line:column for a bad providers file
   * @throws NxsException when both {@code providers} and {@code providers_file} are set
   */
  public static GatewayConfig from(NxsConfig config, Path home, Map<String, String> env) {
    ProvidersConfig inline = config.section(ProvidersConfig.SECTION);
    Optional<Path> file = config.section(ProvidersFile.SECTION).resolve(home);
    if (file.isPresent()) {
      if (!inline.isEmpty()) {
        throw new NxsException(
            config.source() + ": set either providers or providers_file, not both");
      }
      return load(
          file.get(),
          env,
          config.section(FailoverConfig.SECTION),
          config.section(ModelRoutes.SECTION));
    }
    return new GatewayConfig(
        inline.list(),
        config.section(FailoverConfig.SECTION),
        config.section(ModelRoutes.SECTION),
        config.source());
  }

  /**
   * Loads a providers file such as the seed's {@code providers.yaml}.
   *
   * @throws io.nxs.core.config.ConfigException with file:line:column when it is invalid
   */
  public static GatewayConfig load(Path file, Map<String, String> env) {
    NxsConfig c = new ConfigLoader(FILE_SECTIONS, env).load(file);
    return new GatewayConfig(
        c.section(ProvidersConfig.SECTION).list(), c.section(FailoverConfig.SECTION),
        c.section(ModelRoutes.SECTION), file.toString());
  }

  private static GatewayConfig load(
      Path file, Map<String, String> env, FailoverConfig outerFailover, ModelRoutes outerRoutes) {
    NxsConfig c = new ConfigLoader(FILE_SECTIONS, env).load(file);
    // A failover block or routes in nxs.yaml apply when the file has none of its own.
    String text = c.source();
    FailoverConfig failover = c.section(FailoverConfig.SECTION);
    ModelRoutes routes = c.section(ModelRoutes.SECTION);
    if (routes.chains().isEmpty()) {
      routes = outerRoutes;
    }
    if (failover.equals(new FailoverConfig(null, null, null, null, null, null, null, null, null))) {
      failover = outerFailover;
    }
    return new GatewayConfig(c.section(ProvidersConfig.SECTION).list(), failover, routes, text);
  }

  /** A provider by name. */
  public Optional<ProviderConfig> provider(String name) {
    return providers.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
