package io.nxs.doctor.advice;

import io.javalin.config.RoutesConfig;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.HttpRoutes;

/** {@code GET /api/v1/doctor/advice}: right-sizing and the last scale signal (SPEC DR10). */
public final class AdviceRoutes implements HttpRoutes {

  /** The route's path. */
  public static final String PATH = "/api/v1/doctor/advice";

  private final Advisor advisor;

  public AdviceRoutes(Advisor advisor) {
    this.advisor = advisor;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(PATH, ctx -> ctx.json(advisor.advice()), Scope.READ);
  }
}
