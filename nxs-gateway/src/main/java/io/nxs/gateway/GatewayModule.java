package io.nxs.gateway;

import io.nxs.core.config.ConfigSection;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The provider gateway (SPEC GW1-GW12): an OpenAI-compatible endpoint in front of a chain of
 * upstream providers with breakers, retries, hedging and failover.
 */
public final class GatewayModule implements NxsModule {

  private final Map<String, String> env;
  private GatewayConfig config;
  private final List<HttpRoutes> routes = new ArrayList<>();

  /** The daemon's constructor: {@code ${ENV}} in a providers file expands from the process. */
  public GatewayModule() {
    this(System.getenv());
  }

  /** For tests: expand {@code ${ENV}} in a providers file from {@code env}. */
  public GatewayModule(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(
        ProvidersConfig.SECTION, FailoverConfig.SECTION, ModelRoutes.SECTION, ProvidersFile.SECTION);
  }

  @Override
  public void start(ModuleContext context) {
    config = GatewayConfig.from(context.config(), context.home(), env);
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.copyOf(routes);
  }

  @Override
  public void close() {
    // nothing started yet
  }
}
