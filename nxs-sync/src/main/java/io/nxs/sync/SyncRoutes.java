package io.nxs.sync;

import io.javalin.config.RoutesConfig;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;

/**
 * {@code GET /api/v1/sync} (read scope): the status; {@code POST /api/v1/sync/now} (admin): one
 * run, answered with its report (200 when it completed, 502 with the report when the remote failed
 * it). Without {@code sync.remote} the status says sync is off and a run is refused (409).
 */
final class SyncRoutes implements HttpRoutes {

  static final String PATH = "/api/v1/sync";

  private final WorkspaceSync sync;
  private final HealthSource health;

  SyncRoutes(WorkspaceSync sync, HealthSource health) {
    this.sync = sync;
    this.health = health;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(
        PATH,
        ctx -> ctx.json(sync == null ? SyncStatus.disabled() : sync.status(health.check())),
        Scope.READ);
    routes.post(
        PATH + "/now",
        ctx -> {
          if (sync == null) {
            throw new ApiException(
                409,
                "invalid_request_error",
                "sync_disabled",
                SyncStatus.disabled().healthDetail());
          }
          ctx.json(sync.sync(SyncListener.NONE));
        },
        Scope.ADMIN);
  }
}
