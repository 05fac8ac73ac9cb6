package io.nxs.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/v1/backups}: list (read scope); create, verify, restore, prune, drill, export and
 * rotate-key (admin scope). The CLI goes through these while the daemon runs, so two writers never
 * race. Unknown snapshots are 404, a held lock is 409, other refusals 400 with the reason.
 */
final class VaultRoutes implements HttpRoutes {

  static final String PATH = "/api/v1/backups";

  private final Vault vault;
  private final VaultHealth health;

  VaultRoutes(Vault vault, VaultHealth health) {
    this.vault = vault;
    this.health = health;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(PATH, ctx -> ctx.json(listing()), Scope.READ);
    routes.post(
        PATH,
        ctx -> {
          BackupResult result = run(() -> by(ctx).create(Progress.NONE));
          health.backedUp(result);
          ctx.status(201).json(result);
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/prune",
        ctx -> {
          boolean dryRun = body(ctx).path("dry_run").asBoolean(false);
          ctx.json(run(() -> by(ctx).prune(dryRun)));
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/rotate-key",
        ctx -> {
          JsonNode body = body(ctx);
          String reason = body.path("reason").asText("");
          if (reason.isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"reason\":\"yearly rotation\",\"new_data_key\":false}");
          }
          boolean newDataKey = body.path("new_data_key").asBoolean(false);
          ctx.json(run(() -> by(ctx).rotateKey(reason, newDataKey)));
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/drill", ctx -> ctx.json(run(() -> by(ctx).drill(Progress.NONE))), Scope.ADMIN);
    routes.post(
        PATH + "/export",
        ctx -> {
          String file = body(ctx).path("file").asText("");
          if (file.isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"file\":\"/mnt/usb/nxs-backup.tar\"}");
          }
          ctx.json(run(() -> by(ctx).export(Path.of(file))));
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/{id}/verify",
        ctx -> {
          boolean deep =
              body(ctx).path("deep").asBoolean(false) || "true".equals(ctx.queryParam("deep"));
          ctx.json(run(() -> by(ctx).verify(ctx.pathParam("id"), deep, Progress.NONE)));
        },
        Scope.ADMIN);
    routes.post(
        PATH + "/{id}/restore",
        ctx -> {
          JsonNode body = body(ctx);
          String to = body.path("to").asText("");
          if (to.isBlank()) {
            throw ApiException.badRequest(
                "body must be JSON like {\"to\":\"/tmp/restore\",\"file\":\"files/agent/MEMORY.md\"}");
          }
          String file = body.hasNonNull("file") ? body.get("file").asText() : null;
          ctx.json(
              run(() -> by(ctx).restore(ctx.pathParam("id"), Path.of(to), file, Progress.NONE)));
        },
        Scope.ADMIN);
  }

  private Map<String, Object> listing() {
    List<SnapshotInfo> snapshots = run(vault::list);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("snapshots", snapshots);
    body.put("count", snapshots.size());
    body.put("last_verified", vault.lastVerified().map(SnapshotInfo::id).orElse(null));
    body.put("health", health.check());
    return body;
  }

  /** The vault acting for the request's key, so the audit log names who asked. */
  private Vault by(Context ctx) {
    return vault.by(HttpServer.key(ctx).map(ApiKey::id).orElse("api"));
  }

  private static JsonNode body(Context ctx) {
    return HttpServer.jsonBody(ctx);
  }

  private static <T> T run(Supplier<T> op) {
    try {
      return op.get();
    } catch (SnapshotNotFoundException e) {
      throw ApiException.notFound(e.getMessage());
    } catch (RepositoryLockedException e) {
      throw new ApiException(409, "invalid_request_error", "locked", e.getMessage());
    }
  }
}
