package io.nxs.score;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.Json;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.MemoryPressure;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /api/v1/score}: score the request body ({@code POST}, the bytes with their content type;
 * the file name in {@code ?file=} or {@code X-NXS-File}), one score ({@code GET /{id}}), the review
 * queue, feedback, drift and a summary for the dashboard. A read key may score and give feedback,
 * as it may call the model gateway: scoring is the agent's own work.
 *
 * <p>A refused or unscorable file is still a 200 with {@code status} saying so and {@code reason}
 * saying why: the request worked, the file did not.
 */
final class ScoreRoutes implements HttpRoutes {

  static final String PATH = "/api/v1/score";

  private final ScoreService service;

  ScoreRoutes(ScoreService service) {
    this.service = service;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.post(PATH, this::score, Scope.READ, MemoryPressure.Load.HEAVY);
    routes.get(PATH, ctx -> ctx.json(summary()), Scope.READ);
    routes.get(
        PATH + "/review",
        ctx -> ctx.json(Map.of("items", service.reviewQueue(limit(ctx, 100)))),
        Scope.READ);
    routes.get(
        PATH + "/drift",
        ctx ->
            ctx.json(
                "true".equals(ctx.queryParam("refresh"))
                    ? service.refreshDrift()
                    : service.drift()),
        Scope.READ);
    routes.get(
        PATH + "/{id}",
        ctx ->
            ctx.json(
                service
                    .find(ctx.pathParam("id"))
                    .orElseThrow(() -> ApiException.notFound("no score " + ctx.pathParam("id")))),
        Scope.READ);
    routes.post(PATH + "/{id}/feedback", this::feedback, Scope.READ);
  }

  private void score(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    String file = ctx.queryParam("file");
    if (file == null || file.isBlank()) {
      file = ctx.header("X-NXS-File");
    }
    if (file != null && (file.length() > 1000 || file.chars().anyMatch(c -> c < 32))) {
      throw ApiException.badRequest("the file name must be printable and under 1000 characters");
    }
    ctx.json(service.score(body, file, ctx.header("Content-Type")));
  }

  private void feedback(Context ctx) {
    JsonNode body;
    try {
      body =
          ctx.body().isBlank()
              ? Json.mapper().createObjectNode()
              : Json.mapper().readTree(ctx.body());
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not JSON: send {\"verdict\":\"up\"}");
    }
    String verdict = body.path("verdict").asText("");
    String id = ctx.pathParam("id");
    boolean found;
    try {
      found = service.feedback(id, verdict, "api");
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    if (!found) {
      throw ApiException.notFound("no score " + id);
    }
    ctx.json(Map.of("id", id, "verdict", verdict.toLowerCase(java.util.Locale.ROOT)));
  }

  private Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("counts", service.counts());
    out.put("review_queue", service.reviewCount());
    Map<String, String> disabled = new LinkedHashMap<>();
    service.engine().disabled().forEach((k, v) -> disabled.put(k.label(), v));
    out.put("disabled", disabled);
    Map<String, String> learned = new LinkedHashMap<>();
    service
        .engine()
        .learned()
        .forEach((k, v) -> learned.put(k.label(), v.name() + "@" + v.version()));
    out.put("learned", learned);
    out.put("drift", service.drift());
    out.put("recent", service.recent(10));
    return out;
  }

  private static int limit(Context ctx, int def) {
    String l = ctx.queryParam("limit");
    if (l == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(l);
      if (n < 1 || n > 10_000) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit must be a number from 1 to 10000, but was '" + l + "'");
    }
  }
}
