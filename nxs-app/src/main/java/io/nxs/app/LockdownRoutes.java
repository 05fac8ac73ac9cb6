package io.nxs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.lockdown.Lockdown;

/**
 * Lockdown mode over HTTP (SEC5): {@code GET /api/v1/lockdown} (read), {@code POST
 * /api/v1/lockdown} with {@code {"reason": "...", "agents": false}} and {@code POST
 * /api/v1/lockdown/lift} with {@code {"reason": "..."}} (admin; during a lockdown only the owner
 * key passes the gate, so only it can lift one).
 */
public final class LockdownRoutes implements HttpRoutes {

  private final Lockdown lockdown;

  LockdownRoutes(Lockdown lockdown) {
    this.lockdown = lockdown;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/api/v1/lockdown", ctx -> ctx.json(lockdown.state().view()), Scope.READ);
    routes.post("/api/v1/lockdown", this::enter, Scope.ADMIN);
    routes.post(
        "/api/v1/lockdown/lift",
        ctx -> ctx.json(lockdown.lift(reason(HttpServer.jsonBody(ctx)), actor(ctx)).view()),
        Scope.ADMIN);
  }

  private void enter(Context ctx) {
    JsonNode body = HttpServer.jsonBody(ctx);
    JsonNode agents = body.path("agents");
    if (!agents.isMissingNode() && !agents.isBoolean()) {
      throw ApiException.badRequest("agents must be true or false");
    }
    ctx.json(lockdown.enter(reason(body), agents.asBoolean(false), actor(ctx)).view());
  }

  private static String reason(JsonNode body) {
    if (!body.path("reason").isTextual()) {
      throw ApiException.badRequest("the body must say why: {\"reason\": \"...\"}");
    }
    return body.get("reason").asText();
  }

  static String actor(Context ctx) {
    return HttpServer.key(ctx).map(ApiKey::id).orElse("anonymous");
  }
}
