package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.nxs.core.Json;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.DirectExchange;
import io.nxs.core.http.DirectRoutes;
import io.nxs.core.http.HttpRoutes;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The OpenAI-compatible surface (GW1): {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings} and {@code GET /v1/models}. Every answer carries {@code x-nxs-provider}
 * (who answered, {@code none} or {@code nxs}) and {@code x-nxs-attempts} (the trail). The request
 * flow is {@link RequestFlow}'s; this class only turns its {@link Answer} into HTTP. The routes are
 * served on core's {@link DirectRoutes direct path}, ahead of the general routing layer (ADR 0018).
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

  /** The common request on the event loop (ADR 0037), or null with the kill switch off. */
  private final LoopProxy onLoop;

  ProxyRoutes(Gateway gateway, RequestFlow flow, LoopProxy onLoop) {
    this.gateway = gateway;
    this.flow = flow;
    this.onLoop = onLoop;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    // Every route is a direct one (addDirect).
  }

  @Override
  public void addDirect(DirectRoutes routes) {
    proxy(routes, "/v1/chat/completions", "/chat/completions", true);
    proxy(routes, "/v1/completions", "/completions", true);
    proxy(routes, "/v1/embeddings", "/embeddings", false);
    routes.get("/v1/models", Scope.READ, this::models);
  }

  private void proxy(DirectRoutes routes, String path, String endpoint, boolean streamable) {
    if (onLoop == null) {
      routes.post(path, Scope.READ, ex -> proxy(ex, endpoint, streamable));
    } else {
      routes.post(
          path,
          Scope.READ,
          ex -> proxy(ex, endpoint, streamable),
          ex -> onLoop.serve(ex, admit(ex, endpoint, streamable), ProxyRoutes::answer));
    }
  }

  private void proxy(DirectExchange ex, String endpoint, boolean streamable) throws IOException {
    RequestFlow.Admitted admitted = admit(ex, endpoint, streamable);
    answer(
        ex,
        flow.answer(
            admitted, gateway.router().route(admitted.call(), admitted.rc(), admitted.chain())));
  }

  /** Reads the request and admits it to its chain; a refusal answers with no provider. */
  private RequestFlow.Admitted admit(DirectExchange ex, String endpoint, boolean streamable)
      throws IOException {
    try {
      return flow.admit(
          new RequestFlow.Request(
              endpoint,
              streamable,
              ex.body(),
              ex.key(),
              ex.header(RESIDENCY_HEADER),
              ex.header(PeerForwarding.FORWARDED_HEADER)));
    } catch (IOException | RuntimeException refused) {
      // Refused before any attempt (413, 400, 403, 429, 503): no provider answered. Set here, not
      // ahead of every request, so an answered request sets the header once.
      ex.header(PROVIDER_HEADER, "none");
      throw refused;
    }
  }

  private static void answer(DirectExchange ex, Answer answer) throws IOException {
    switch (answer) {
      case Answer.Complete c -> {
        trail(ex, c.provider(), c);
        ex.respond(c.status(), "application/json", c.body());
      }
      case Answer.Streamed s -> {
        trail(ex, s.provider(), s);
        ex.header("X-Accel-Buffering", "no");
        s.relay().to(ex.stream(200, "text/event-stream; charset=utf-8"));
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

  private static void trail(DirectExchange ex, String provider, Answer answer) {
    ex.header(PROVIDER_HEADER, provider);
    ex.header(ATTEMPTS_HEADER, Attempt.header(answer.attempts()));
  }

  private void models(DirectExchange ex) {
    ObjectNode root = Json.mapper().createObjectNode().put("object", "list");
    ArrayNode data = root.putArray("data");
    Router router = gateway.router();
    add(data, GatewayConfig.AUTO, "nxs");
    router.routeNames().forEach(r -> add(data, r, "nxs-route"));
    router.providers().keySet().forEach(p -> add(data, p, "nxs-provider"));
    ex.header(PROVIDER_HEADER, "nxs");
    ex.respond(200, "application/json", root.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void add(ArrayNode data, String id, String owner) {
    data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", owner);
  }
}
