package io.nxs.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.Json;
import io.nxs.core.Severity;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.Durations;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's view of the gateway (GW8, GW9, GW7): {@code GET /api/v1/providers}, {@code GET
 * /api/v1/usage}, and the admin actions {@code POST /api/v1/providers/{name}/test} and {@code POST
 * /api/v1/providers/{name}/rotate} (body {@code {"key": "...", "emergency": false, "reason":
 * "..."}}, reason optional) and {@code POST /api/v1/providers/{name}/revoke} (body {@code
 * {"reason": "..."}}, SEC5 compromise response: the key is dropped at once and the rotation
 * command, if any, runs for a new one).
 */
public final class ProviderRoutes implements HttpRoutes {

  private final Gateway gateway;

  ProviderRoutes(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/api/v1/providers", this::list, Scope.READ);
    routes.get("/api/v1/usage", this::usage, Scope.READ);
    routes.post("/api/v1/providers/{name}/test", this::test, Scope.ADMIN);
    routes.post("/api/v1/providers/{name}/rotate", this::rotate, Scope.ADMIN);
    routes.post("/api/v1/providers/{name}/revoke", this::revoke, Scope.ADMIN);
  }

  private void revoke(Context ctx) {
    ProviderRuntime p = provider(ctx);
    JsonNode body = HttpServer.jsonBody(ctx);
    if (!body.path("reason").isTextual()) {
      throw ApiException.badRequest("the body must say why: {\"reason\": \"...\"}");
    }
    CredentialRotation.Revocation r =
        gateway.rotation().revoke(p.name(), actor(ctx), body.get("reason").asText());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("provider", r.provider());
    out.put("revoked", r.fingerprints());
    out.put("meaning", CredentialRotation.REVOKED_MEANS);
    out.put("replacement", r.replacement());
    out.put("problem", r.problem());
    out.put("still_in_config", r.stillInConfig());
    out.put("credential", r.credentialState());
    ctx.json(out);
  }

  private void list(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("mode", gateway.config().failover().mode().label());
    body.put("air_gapped", gateway.airGapped());
    body.put("providers", gateway.runtimes().stream().map(ProviderView::of).toList());
    ctx.json(body);
  }

  private void usage(Context ctx) {
    String since = ctx.queryParam("since");
    java.time.Duration window;
    try {
      window = since == null ? java.time.Duration.ofDays(30) : Durations.parse(since);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("since: " + e.getMessage());
    }
    LocalDate from =
        LocalDate.ofInstant(gateway.telemetry().clock().instant().minus(window), ZoneOffset.UTC);
    List<UsageLedger.Row> rows = gateway.usage().totals(from);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("requests", rows.stream().mapToLong(UsageLedger.Row::requests).sum());
    totals.put("prompt_tokens", rows.stream().mapToLong(UsageLedger.Row::promptTokens).sum());
    totals.put(
        "completion_tokens", rows.stream().mapToLong(UsageLedger.Row::completionTokens).sum());
    totals.put("cost", rows.stream().mapToDouble(UsageLedger.Row::cost).sum());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("since", from.toString());
    body.put("rows", rows.stream().map(ProviderRoutes::row).toList());
    body.put("totals", totals);
    ctx.json(body);
  }

  private static Map<String, Object> row(UsageLedger.Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("provider", r.provider());
    m.put("model", r.model());
    m.put("api_key_id", r.apiKeyId());
    m.put("requests", r.requests());
    m.put("prompt_tokens", r.promptTokens());
    m.put("completion_tokens", r.completionTokens());
    m.put("cost", r.cost());
    return m;
  }

  /** An operator's probe: it reaches the provider with its credential, so it is audited. */
  private void test(Context ctx) {
    ProviderRuntime p = provider(ctx);
    ProviderRuntime.ProbeResult r = gateway.probe(p);
    boolean ok = r.outcome() == io.nxs.gateway.Outcome.OK;
    gateway
        .telemetry()
        .auditNow(
            "provider.tested",
            ok ? Severity.INFO : Severity.LOW,
            actor(ctx),
            p.name(),
            Map.of(
                "outcome",
                r.outcome().label(),
                "status",
                r.status(),
                "took_ms",
                r.took().toMillis()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("provider", p.name());
    body.put("ok", ok);
    body.putAll(ProviderView.probe(r));
    ctx.json(body);
  }

  /** The calling API key's id, the actor of an admin action. */
  private static String actor(Context ctx) {
    return HttpServer.key(ctx).map(ApiKey::id).orElse("api");
  }

  private void rotate(Context ctx) {
    ProviderRuntime p = provider(ctx);
    JsonNode body;
    try {
      body = Json.mapper().readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      // Jackson's message would quote the body, which holds a key: say only where it broke.
      String where =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  && j.getLocation() != null
              ? " (line "
                  + j.getLocation().getLineNr()
                  + ", column "
                  + j.getLocation().getColumnNr()
                  + ")"
              : "";
      throw ApiException.badRequest(
          "the body must be JSON" + where + ": {\"key\": \"...\", \"emergency\": false}");
    }
    if (body == null || !body.path("key").isTextual()) {
      throw ApiException.badRequest(
          "the body must name the new key: {\"key\": \"...\", \"emergency\": false}");
    }
    String reason = body.path("reason").isTextual() ? body.get("reason").asText().strip() : null;
    if (reason != null
        && (reason.length() > 200 || reason.chars().anyMatch(Character::isISOControl))) {
      throw ApiException.badRequest("reason must be one line of at most 200 characters");
    }
    String actor = actor(ctx);
    CredentialRotation.Result r =
        gateway
            .rotation()
            .rotate(
                p.name(),
                body.get("key").asText(),
                body.path("emergency").asBoolean(false),
                actor,
                reason);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("provider", r.provider());
    out.put("mode", r.mode());
    out.put("overlap_until", r.overlapUntil() == null ? null : r.overlapUntil().toString());
    out.put("credential", r.credentialState());
    ctx.json(out);
  }

  private ProviderRuntime provider(Context ctx) {
    String name = ctx.pathParam("name");
    ProviderRuntime p = gateway.router().providers().get(name);
    if (p == null) {
      throw ApiException.notFound(
          "no provider named '"
              + name
              + "' (known: "
              + String.join(", ", gateway.router().providers().keySet())
              + ")");
    }
    return p;
  }
}
