package io.nxs.core.http;

import io.javalin.config.RoutesConfig;

/**
 * A module's HTTP routes. Tag each route with the {@link io.nxs.core.auth.Scope} it needs; routes
 * under {@code /v1/} and {@code /api/} without a tag need any valid key.
 */
@FunctionalInterface
public interface HttpRoutes {

  /** Adds the module's routes. */
  void addTo(RoutesConfig routes);

  /** Adds the module's routes that are served on the {@link DirectRoutes direct path}. */
  default void addDirect(DirectRoutes routes) {}
}
