package io.nxs.rollout.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.NxsException;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.rollout.release.ReleaseException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/rollouts}: the rollout and every instance's report (read scope); start and abort
 * (admin). Handlers translate; {@link FleetRollouts} decides.
 */
final class RolloutRoutes implements HttpRoutes {

  static final String PATH = "/api/v1/rollouts";

  private final FleetRollouts rollouts;

  RolloutRoutes(FleetRollouts rollouts) {
    this.rollouts = rollouts;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(
        PATH,
        ctx -> {
          FleetRollouts.Status s = rollouts.status();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("node_id", s.node());
          body.put("coordinator", s.coordinator());
          body.put("installed", s.installed());
          body.put("previous", s.previous());
          body.put("rollout", s.rollout().orElse(null));
          body.put("nodes", s.nodes());
          ctx.json(body);
        },
        Scope.READ);
    routes.get(
        PATH + "/history", ctx -> ctx.json(Map.of("rollouts", rollouts.history())), Scope.READ);
    routes.post(
        PATH,
        ctx -> {
          JsonNode body = body(ctx);
          if (!body.path("archive").isTextual() || body.path("archive").asText().isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"archive\":\"/path/nxs-0.2.0.tar.gz\"}");
          }
          Path archive;
          try {
            archive = Path.of(body.path("archive").asText());
          } catch (InvalidPathException e) {
            throw ApiException.badRequest("archive is not a path: " + e.getMessage());
          }
          try {
            ctx.status(202).json(rollouts.start(archive, by(ctx)));
          } catch (ReleaseException e) {
            throw ApiException.badRequest(e.getMessage());
          } catch (NxsException e) {
            throw new ApiException(409, "invalid_request_error", "conflict", e.getMessage());
          }
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/abort",
        ctx -> {
          try {
            ctx.json(rollouts.abort(by(ctx)));
          } catch (NxsException e) {
            throw new ApiException(409, "invalid_request_error", "conflict", e.getMessage());
          }
        },
        Scope.ADMIN);
  }

  private static String by(Context ctx) {
    return HttpServer.key(ctx).map(k -> "key:" + k.id()).orElse("api");
  }

  private static JsonNode body(Context ctx) {
    return HttpServer.jsonBody(ctx);
  }
}
