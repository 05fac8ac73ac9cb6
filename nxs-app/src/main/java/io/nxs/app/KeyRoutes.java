package io.nxs.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.Durations;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.lockdown.Lockdown;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * API keys over HTTP (admin only): {@code GET /api/v1/keys}, {@code POST /api/v1/keys} with {@code
 * {"scope","name","expires"}}, {@code DELETE /api/v1/keys/{id}}, and {@code POST
 * /api/v1/keys/{id}/revoke} with {@code {"reason": "...", "compromised": false, "lockdown": false}}
 * (SEC5: a compromised key is also audited as {@code security.key_compromise}; {@code lockdown}
 * implies it and then enters lockdown).
 */
public final class KeyRoutes implements HttpRoutes {

  private final ApiKeyStore keys;
  private final Lockdown lockdown;

  KeyRoutes(ApiKeyStore keys, Lockdown lockdown) {
    this.keys = keys;
    this.lockdown = lockdown;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(
        "/api/v1/keys",
        ctx -> ctx.json(keys.list().stream().map(KeyRoutes::view).toList()),
        Scope.ADMIN);
    routes.post("/api/v1/keys", this::create, Scope.ADMIN);
    routes.delete(
        "/api/v1/keys/{id}",
        ctx -> ctx.json(view(keys.revoke(ctx.pathParam("id"), actor(ctx)))),
        Scope.ADMIN);
    routes.post("/api/v1/keys/{id}/revoke", this::revoke, Scope.ADMIN);
  }

  private void revoke(Context ctx) {
    JsonNode body = HttpServer.jsonBody(ctx);
    String reason = body.path("reason").isTextual() ? body.get("reason").asText() : null;
    boolean enterLockdown = body.path("lockdown").asBoolean(false);
    ctx.json(
        revoke(
            keys,
            lockdown,
            ctx.pathParam("id"),
            reason,
            enterLockdown || body.path("compromised").asBoolean(false),
            enterLockdown,
            actor(ctx)));
  }

  /**
   * Revokes a key; for a compromise with {@code enterLockdown}, then enters lockdown (agents keep
   * working) with the same reason. Shared by the API and the CLI.
   */
  public static Map<String, Object> revoke(
      ApiKeyStore keys,
      Lockdown lockdown,
      String id,
      String reason,
      boolean compromised,
      boolean enterLockdown,
      String actor) {
    Map<String, Object> out =
        new LinkedHashMap<>(view(keys.revoke(id, actor, reason, compromised)));
    if (enterLockdown) {
      out.put("lockdown", lockdown.enter(reason, false, actor).view());
    }
    return out;
  }

  private void create(Context ctx) {
    CreateRequest req;
    try {
      req = ctx.bodyAsClass(CreateRequest.class);
    } catch (RuntimeException e) {
      throw ApiException.badRequest(
          "body must be JSON like {\"scope\":\"read\",\"name\":\"x\"}", e);
    }
    Scope scope = Scope.parse(req.scope() == null ? "read" : req.scope());
    Duration ttl = ttl(scope, req.expires());
    CreatedKey created =
        keys.create(
            scope, req.name() == null ? scope.label() + "-key" : req.name(), ttl, actor(ctx));
    Map<String, Object> body = new LinkedHashMap<>(view(created.key()));
    body.put("key", created.secret());
    ctx.status(201).json(body);
  }

  /** Admin keys default to 7 days (SEC2); {@code never} means no expiry. */
  static Duration ttl(Scope scope, String expires) {
    if (expires == null || expires.isBlank()) {
      return scope == Scope.ADMIN ? Duration.ofDays(7) : null;
    }
    if (expires.equals("never")) {
      return null;
    }
    try {
      return Durations.parse(expires);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("expires: " + e.getMessage(), e);
    }
  }

  private static String actor(Context ctx) {
    return HttpServer.key(ctx).map(ApiKey::id).orElse("anonymous");
  }

  /** A key's public record as the API and the CLI show it; never the key itself. */
  public static Map<String, Object> view(ApiKey k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", k.id());
    m.put("name", k.name());
    m.put("scope", k.scope().label());
    m.put("created_at", k.createdAt().toString());
    m.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
    m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
    m.put("owner", k.owner());
    return m;
  }

  record CreateRequest(String scope, String name, String expires) {}
}
