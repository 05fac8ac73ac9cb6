package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.Json;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.GatewayConfig;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/**
 * The OpenAI-compatible surface (GW1): {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings} and {@code GET /v1/models}. Every answer carries {@code x-nxs-provider}
 * (who answered, {@code none} or {@code nxs}) and {@code x-nxs-attempts} (the trail). The request
 * flow is {@link RequestFlow}'s; this class only turns its {@link Answer} into HTTP.
 */
public final class ProxyRoutes implements HttpRoutes {

  /** Response header naming the provider that answered. */
  public static final String PROVIDER_HEADER = "x-nxs-provider";

  /** Response header listing every attempt. */
  public static final String ATTEMPTS_HEADER = "x-nxs-attempts";

  /** Request header restricting the chain to a residency (GW10). */
  public static final String RESIDENCY_HEADER = RequestFlow.RESIDENCY_HEADER;

  private final Gateway gateway;
  private final RequestFlow flow;

  ProxyRoutes(Gateway gateway, RequestFlow flow) {
    this.gateway = gateway;
    this.flow = flow;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.post("/v1/chat/completions", ctx -> proxy(ctx, "/chat/completions", true), Scope.READ);
    routes.post("/v1/completions", ctx -> proxy(ctx, "/completions", true), Scope.READ);
    routes.post("/v1/embeddings", ctx -> proxy(ctx, "/embeddings", false), Scope.READ);
    routes.get("/v1/models", this::models, Scope.READ);
  }

  private void proxy(Context ctx, String endpoint, boolean streamable) throws IOException {
    ctx.header(PROVIDER_HEADER, "none"); // also on a refusal before any attempt
    Answer answer =
        flow.handle(
            new RequestFlow.Request(
                endpoint,
                streamable,
                ctx.bodyAsBytes(),
                HttpServer.key(ctx).orElse(null),
                ctx.header(RESIDENCY_HEADER),
                ctx.header(PeerForwarding.FORWARDED_HEADER)));
    switch (answer) {
      case Answer.Complete c -> {
        trail(ctx, c.provider(), c);
        ctx.status(c.status()).contentType("application/json").result(c.body());
      }
      case Answer.Streamed s -> {
        trail(ctx, s.provider(), s);
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("X-Accel-Buffering", "no");
        s.relay().to(res.getOutputStream());
      }
      case Answer.Exhausted e ->
          throw new ApiException(
              e.status(),
              "server_error",
              e.code(),
              e.message(),
              Map.of(ATTEMPTS_HEADER, Attempt.header(e.attempts()), PROVIDER_HEADER, "none"));
    }
  }

  private static void trail(Context ctx, String provider, Answer answer) {
    ctx.header(PROVIDER_HEADER, provider);
    ctx.header(ATTEMPTS_HEADER, Attempt.header(answer.attempts()));
  }

  private void models(Context ctx) {
    ObjectNode root = Json.mapper().createObjectNode().put("object", "list");
    ArrayNode data = root.putArray("data");
    Router router = gateway.router();
    add(data, GatewayConfig.AUTO, "nxs");
    router.routeNames().forEach(r -> add(data, r, "nxs-route"));
    router.providers().keySet().forEach(p -> add(data, p, "nxs-provider"));
    ctx.header(PROVIDER_HEADER, "nxs").contentType("application/json").result(root.toString());
  }

  private static void add(ArrayNode data, String id, String owner) {
    data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", owner);
  }
}
