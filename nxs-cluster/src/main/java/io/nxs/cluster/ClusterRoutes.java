package io.nxs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.NxsException;
import io.nxs.core.auth.Scope;
import io.nxs.core.cluster.ClusterPorts;
import io.nxs.core.cluster.SharedKind;
import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/v1/cluster}: status (read scope); the review queue, approve/reject (admin); shared
 * values and diagnostic tasks (admin), which let an operator check a cluster end to end. Handlers
 * translate; the control and the ports decide.
 */
final class ClusterRoutes implements HttpRoutes {

  static final String PATH = "/api/v1/cluster";

  private final Supplier<ClusterControl> control;
  private final ClusterPorts ports;

  ClusterRoutes(Supplier<ClusterControl> control, ClusterPorts ports) {
    this.control = control;
    this.ports = ports;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(PATH, ctx -> ctx.json(control.get().status()), Scope.READ);
    routes.get(
        PATH + "/conflicts",
        ctx -> ctx.json(Map.of("conflicts", control.get().conflicts())),
        Scope.READ);
    routes.post(PATH + "/conflicts/{id}/approve", ctx -> ctx.json(decide(ctx, true)), Scope.ADMIN);
    routes.post(PATH + "/conflicts/{id}/reject", ctx -> ctx.json(decide(ctx, false)), Scope.ADMIN);
    routes.get(
        PATH + "/state/{kind}/{key}",
        ctx -> {
          SharedKind kind = kind(ctx.pathParam("kind"));
          String key = ctx.pathParam("key");
          String value =
              ports
                  .state()
                  .get(kind, key)
                  .orElseThrow(
                      () ->
                          ApiException.notFound(
                              "no "
                                  + kind.name().toLowerCase(Locale.ROOT)
                                  + " value '"
                                  + key
                                  + "'"));
          ctx.json(
              Map.of(
                  "kind",
                  ctx.pathParam("kind"),
                  "key",
                  key,
                  "value",
                  kind == SharedKind.SECRET ? "(secret)" : value));
        },
        Scope.ADMIN);
    routes.put(
        PATH + "/state/{kind}/{key}",
        ctx -> {
          JsonNode body = body(ctx);
          if (!body.path("value").isTextual()) {
            throw ApiException.badRequest("body must be JSON like {\"value\":\"...\"}");
          }
          ports
              .state()
              .put(kind(ctx.pathParam("kind")), ctx.pathParam("key"), body.get("value").asText());
          ctx.status(204);
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/tasks",
        ctx -> {
          JsonNode body = body(ctx);
          TaskSpec spec;
          try {
            spec =
                new TaskSpec(
                    body.path("id").asText(null),
                    body.path("type").asText(ClusterModule.ECHO_TASK),
                    body.path("payload").asText(""),
                    body.path("movable").asBoolean(true),
                    body.path("io_heavy").asBoolean(false),
                    body.path("cache_key").asText(""));
          } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
          }
          try {
            ctx.status(202).json(ports.tasks().submit(spec));
          } catch (NxsException e) {
            throw new ApiException(503, "server_error", "not_accepting_work", e.getMessage());
          }
        },
        Scope.ADMIN);
    routes.get(
        PATH + "/tasks/{id}",
        ctx ->
            ctx.json(
                ports
                    .tasks()
                    .status(ctx.pathParam("id"))
                    .orElseThrow(
                        () -> ApiException.notFound("no task '" + ctx.pathParam("id") + "'"))),
        Scope.READ);
  }

  private ConflictView decide(Context ctx, boolean approve) {
    String by = io.nxs.core.http.HttpServer.key(ctx).map(k -> "key:" + k.id()).orElse("api");
    try {
      return control.get().decide(ctx.pathParam("id"), approve, by);
    } catch (NxsException e) {
      if (e.getMessage().startsWith("no conflict")) {
        throw ApiException.notFound(e.getMessage());
      }
      throw new ApiException(409, "invalid_request_error", "conflict", e.getMessage());
    }
  }

  private static SharedKind kind(String text) {
    try {
      return SharedKind.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "kind must be one of chat, config, identity, secret, but was '" + text + "'");
    }
  }

  private static JsonNode body(Context ctx) {
    return HttpServer.jsonBody(ctx);
  }
}
