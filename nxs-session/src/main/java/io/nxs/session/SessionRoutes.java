package io.nxs.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.Json;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.MemoryPressure;
import io.nxs.session.migrate.Handshake;
import io.nxs.session.migrate.IncomingMigrations;
import io.nxs.session.migrate.MigrationRecord;
import io.nxs.session.migrate.Migrations;
import io.nxs.session.transfer.Bundle;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/v1/sessions} (list: read scope; export, import: admin) and {@code /api/v1/migrations}
 * (list and status: read; start, resume, unfence: admin), and the target's side {@code
 * /api/v1/migrations/incoming/*} (admin: the source authenticates with the target's admin key).
 * Handlers parse and map; {@link Sessions} and {@link Migrations} decide.
 */
final class SessionRoutes implements HttpRoutes {

  static final String SESSIONS = "/api/v1/sessions";
  static final String MIGRATIONS = "/api/v1/migrations";
  static final String INCOMING = MIGRATIONS + "/incoming";

  private final Sessions sessions;
  private final Migrations migrations;
  private final Sessions.GatewayControl gateway;

  SessionRoutes(Sessions sessions, Migrations migrations, Sessions.GatewayControl gateway) {
    this.sessions = sessions;
    this.migrations = migrations;
    this.gateway = gateway;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(
        SESSIONS,
        ctx -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("agents", run(() -> sessions.list(ctx.queryParam("agent"))));
          migrations.fenced().ifPresent(f -> body.put("fenced", f));
          ctx.json(body);
        },
        Scope.READ);
    routes.post(
        SESSIONS + "/export",
        ctx -> {
          JsonNode b = body(ctx);
          String file = b.path("file").asText("");
          if (file.isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"file\":\"/tmp/sessions.nxs\"}");
          }
          ctx.json(
              run(() -> sessions.export(Path.of(file), text(b, "agent"), path(b, "key_file"))));
        },
        Scope.ADMIN);
    routes.post(
        SESSIONS + "/import",
        ctx -> {
          JsonNode b = body(ctx);
          String file = b.path("file").asText("");
          if (file.isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"file\":\"/tmp/sessions.nxs\"}");
          }
          ctx.json(run(() -> sessions.importFile(Path.of(file), path(b, "key_file"), gateway)));
        },
        Scope.ADMIN);
    routes.get(
        MIGRATIONS,
        ctx -> {
          Map<String, Object> body = new LinkedHashMap<>();
          List<MigrationRecord> all = migrations.all();
          body.put("migrations", all);
          body.put("fenced", migrations.fenced().orElse(null));
          ctx.json(body);
        },
        Scope.READ);
    routes.post(
        MIGRATIONS,
        ctx -> {
          JsonNode b = body(ctx);
          String to = b.path("to").asText("");
          String keyFile = b.path("key_file").asText("");
          if (to.isBlank() || keyFile.isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"to\":\"http://b:8787\",\"key_file\":\"/root/b.key\"}");
          }
          URI uri;
          try {
            uri = URI.create(to);
          } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'to' is not a URL: " + to);
          }
          ctx.status(202)
              .json(run(() -> migrations.start(uri, Path.of(keyFile), text(b, "agent"))));
        },
        Scope.ADMIN,
        MemoryPressure.Load.HEAVY);
    routes.get(
        MIGRATIONS + "/{id}",
        ctx ->
            ctx.json(
                migrations
                    .find(ctx.pathParam("id"))
                    .orElseThrow(
                        () -> ApiException.notFound("no migration '" + ctx.pathParam("id") + "'"))),
        Scope.READ);
    routes.post(
        MIGRATIONS + "/{id}/resume",
        ctx -> ctx.status(202).json(run(() -> migrations.resume(ctx.pathParam("id")))),
        Scope.ADMIN);
    routes.post(
        MIGRATIONS + "/unfence",
        ctx -> ctx.json(run(() -> migrations.unfence("api"))),
        Scope.ADMIN);
    addIncoming(routes, migrations.incoming());
  }

  private static void addIncoming(RoutesConfig routes, IncomingMigrations in) {
    routes.post(
        INCOMING,
        ctx -> {
          Handshake offer = read(ctx, Handshake.class);
          ctx.status(201).json(refusing(() -> in.handshake(offer, "peer")));
        },
        Scope.ADMIN);
    routes.put(
        INCOMING + "/{id}/bundle",
        ctx -> {
          Bundle bundle = read(ctx, Bundle.class);
          ctx.json(refusing(() -> in.bundle(ctx.pathParam("id"), bundle)));
        },
        Scope.ADMIN,
        MemoryPressure.Load.HEAVY);
    routes.put(
        INCOMING + "/{id}/chunks",
        ctx -> ctx.json(refusing(() -> in.chunk(ctx.pathParam("id"), ctx.bodyAsBytes()))),
        Scope.ADMIN);
    routes.put(
        INCOMING + "/{id}/probe",
        ctx -> ctx.json(refusing(() -> in.probe(ctx.pathParam("id"), ctx.bodyAsBytes()))),
        Scope.ADMIN);
    routes.post(
        INCOMING + "/{id}/commit",
        ctx -> ctx.status(202).json(refusing(() -> in.commit(ctx.pathParam("id")))),
        Scope.ADMIN);
    routes.post(
        INCOMING + "/{id}/abort",
        ctx -> {
          String reason = body(ctx).path("reason").asText("no reason given");
          ctx.json(refusing(() -> in.abort(ctx.pathParam("id"), reason)));
        },
        Scope.ADMIN);
    routes.get(
        INCOMING + "/{id}",
        ctx -> ctx.json(refusing(() -> in.status(ctx.pathParam("id")))),
        Scope.ADMIN);
  }

  private static <T> T read(Context ctx, Class<T> type) {
    try {
      return Json.mapper().readValue(ctx.body(), type);
    } catch (IOException | IllegalArgumentException e) {
      throw ApiException.badRequest(
          "the body is not a valid " + type.getSimpleName() + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static JsonNode body(Context ctx) {
    return HttpServer.jsonBody(ctx);
  }

  private static String text(JsonNode b, String field) {
    return b.hasNonNull(field) && !b.get(field).asText().isBlank() ? b.get(field).asText() : null;
  }

  private static Path path(JsonNode b, String field) {
    String t = text(b, field);
    return t == null ? null : Path.of(t);
  }

  private static <T> T run(Supplier<T> op) {
    try {
      return op.get();
    } catch (SessionException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static <T> T refusing(Supplier<T> op) {
    try {
      return op.get();
    } catch (IncomingMigrations.PeerRefusal e) {
      throw new ApiException(e.status(), "invalid_request_error", e.code(), e.getMessage());
    } catch (SessionException e) {
      throw new ApiException(409, "invalid_request_error", "refused", e.getMessage());
    }
  }
}
