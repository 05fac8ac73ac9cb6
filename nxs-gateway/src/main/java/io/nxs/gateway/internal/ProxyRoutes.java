package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.Json;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.gateway.Attempt;
import io.nxs.gateway.GatewayConfig;
import io.nxs.gateway.Outcome;
import io.nxs.gateway.ProviderConfig;
import io.nxs.gateway.ResidencyConfig;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OpenAI-compatible surface (GW1): {@code POST /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings} and {@code GET /v1/models}. Every answer carries {@code x-nxs-provider}
 * (who answered, {@code none} or {@code nxs}) and {@code x-nxs-attempts} (the trail).
 */
public final class ProxyRoutes implements HttpRoutes {

  /** Response header naming the provider that answered. */
  public static final String PROVIDER_HEADER = "x-nxs-provider";

  /** Response header listing every attempt. */
  public static final String ATTEMPTS_HEADER = "x-nxs-attempts";

  /** Request header restricting the chain to a residency (GW10). */
  public static final String RESIDENCY_HEADER = "x-nxs-residency";

  private final Gateway gateway;

  ProxyRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.post("/v1/chat/completions", ctx -> proxy(ctx, "/chat/completions", true), Scope.READ);
    routes.post("/v1/completions", ctx -> proxy(ctx, "/completions", true), Scope.READ);
    routes.post("/v1/embeddings", ctx -> proxy(ctx, "/embeddings", false), Scope.READ);
    routes.get("/v1/models", this::models, Scope.READ);
  }

  private void proxy(Context ctx, String endpoint, boolean streamable) throws IOException {
    ctx.header(PROVIDER_HEADER, "none");
    ObjectNode body = parse(ctx);
    if (!streamable && body.path("stream").asBoolean(false)) {
      throw ApiException.badRequest(
          endpoint.substring(1) + " does not stream: remove 'stream: true'");
    }
    Router router = gateway.router();
    String model = body.path("model").asText("");
    String route = router.routeOf(model);
    ApiKey apiKey = HttpServer.key(ctx).orElse(null);
    List<ProviderRuntime> chain =
        router.chain(route, residency(apiKey, ctx.header(RESIDENCY_HEADER)));
    String keyId = apiKey == null ? "-" : apiKey.id();
    gateway.budgets().admit(keyId);
    RequestContext rc = new RequestContext(route, keyId, router.failover().globalTimeout());
    UpstreamCall call = UpstreamCall.of(endpoint, body);
    AttemptResult result = router.route(call, rc, chain);
    if (result == null) {
      throw exhausted(model, rc);
    }
    String provider = result.attempt().provider();
    ctx.header(PROVIDER_HEADER, provider);
    ctx.header(ATTEMPTS_HEADER, Attempt.header(rc.attempts()));
    if (result instanceof AttemptResult.Rejected rejected) {
      ctx.status(rejected.status()).contentType("application/json").result(rejected.body());
      return;
    }
    AttemptResult.Ready ready = (AttemptResult.Ready) result;
    noteFailover(rc, provider);
    ProviderConfig pc = ready.provider().config();
    if (ready.exchange() == null) {
      gateway
          .budgets()
          .spend(
              keyId,
              gateway
                  .usage()
                  .record(
                      provider,
                      ready.model(),
                      keyId,
                      ready.usage(),
                      promptPrice(pc),
                      completionPrice(pc)));
      ctx.status(200).contentType("application/json").result(ready.body());
      return;
    }
    relay(ctx, ready, call, rc, keyId);
  }

  private void relay(
      Context ctx, AttemptResult.Ready ready, UpstreamCall call, RequestContext rc, String keyId)
      throws IOException {
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream; charset=utf-8");
    res.setHeader("X-Accel-Buffering", "no");
    StreamRelay relay = new StreamRelay(ready, call, res.getOutputStream());
    long start = System.nanoTime();
    StreamRelay.End end;
    try {
      end = relay.run();
    } catch (IOException clientGone) {
      return; // the client hung up; the upstream exchange is already cancelled
    }
    ProviderConfig pc = ready.provider().config();
    gateway
        .budgets()
        .spend(
            keyId,
            gateway
                .usage()
                .record(
                    ready.provider().name(),
                    ready.model(),
                    keyId,
                    end.usage(),
                    promptPrice(pc),
                    completionPrice(pc)));
    if (end.outcome() == Outcome.CUT) {
      Duration took = ready.attempt().took().plus(Duration.ofNanos(System.nanoTime() - start));
      gateway.router().recordCut(ready.provider(), rc, relay.cutAttempt(end, took));
    }
  }

  /**
   * The residency a request is held to (GW10): its key's default from {@code residency.keys},
   * narrowed by the header; a header outside the key's default is refused, never obeyed.
   *
   * @return the residency tag, or null for none
   * @throws ApiException 403 when the header would widen the key's default
   */
  private String residency(ApiKey key, String header) {
    String requested =
        header == null || header.isBlank() ? null : header.strip().toLowerCase(Locale.ROOT);
    String fixed = key == null ? null : gateway.residency().defaultFor(key.id(), key.name());
    if (fixed == null || requested == null) {
      return fixed != null ? fixed : requested;
    }
    if (!ResidencyConfig.within(requested, fixed)) {
      throw new ApiException(
          403,
          "permission_error",
          "residency_not_allowed",
          "key "
              + key.id()
              + " is held to residency '"
              + fixed
              + "' (residency.keys in nxs.yaml); "
              + RESIDENCY_HEADER
              + ": "
              + requested
              + " may narrow it (e.g. "
              + fixed
              + "-west), not leave it");
    }
    return requested;
  }

  private void noteFailover(RequestContext rc, String winner) {
    List<Attempt> attempts = rc.attempts();
    String first = attempts.getFirst().provider();
    if (!first.equals(winner)) {
      gateway.telemetry().failedOver(first, winner, rc.elapsed(), attempts);
    }
  }

  private ApiException exhausted(String model, RequestContext rc) {
    List<Attempt> attempts = rc.attempts();
    gateway.telemetry().allFailed(rc.route(), attempts);
    boolean anyTried = attempts.stream().anyMatch(a -> a.outcome().tried());
    int status;
    String code;
    if (rc.expired()) {
      status = 504;
      code = "deadline_exceeded";
    } else if (!anyTried) {
      status = 503;
      code = "providers_unavailable";
    } else {
      status = 502;
      code = "all_providers_failed";
    }
    String trail = attempts.stream().map(Attempt::describe).collect(Collectors.joining("; "));
    String message =
        (status == 504
                ? "no provider answered within global_timeout"
                : status == 503 ? "no provider is available" : "every provider failed")
            + " for model '"
            + model
            + "' (route "
            + rc.route()
            + ") after "
            + rc.elapsed().toMillis()
            + " ms: "
            + (trail.isEmpty() ? "no attempt was possible" : trail);
    return new ApiException(
        status,
        "server_error",
        code,
        message,
        Map.of(ATTEMPTS_HEADER, Attempt.header(attempts), PROVIDER_HEADER, "none"));
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

  private static ObjectNode parse(Context ctx) {
    JsonNode body;
    try {
      body = Json.mapper().readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw ApiException.badRequest("the request body is not JSON: " + firstLine(e.getMessage()));
    }
    if (!(body instanceof ObjectNode o)) {
      throw ApiException.badRequest("the request body must be a JSON object");
    }
    return o;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static double promptPrice(ProviderConfig pc) {
    return pc.prices() == null ? 0 : pc.prices().prompt();
  }

  private static double completionPrice(ProviderConfig pc) {
    return pc.prices() == null ? 0 : pc.prices().completion();
  }
}
