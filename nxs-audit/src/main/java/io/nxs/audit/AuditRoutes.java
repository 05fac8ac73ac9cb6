package io.nxs.audit;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.NxsException;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/audit?since=24h&type=security.*&actor=A&limit=100} for the dashboard: the
 * newest matching entries, oldest first, as {@code {"entries":[...],"count":n}}. Any valid key
 * (read scope) may call it; a bad parameter is a 400 naming it.
 */
public final class AuditRoutes implements HttpRoutes {

  /** The route's path. */
  public static final String PATH = "/api/v1/audit";

  private final AuditLog log;

  public AuditRoutes(AuditLog log) {
    this.log = log;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(PATH, this::list, Scope.READ);
  }

  private void list(Context ctx) {
    AuditQuery query;
    try {
      query =
          AuditQuery.parse(ctx.queryParam("since"), ctx.queryParam("type"), ctx.queryParam("actor"))
              .withLimit(ctx.queryParam("limit"));
    } catch (NxsException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    List<AuditEntry> entries = log.query(query);
    ctx.json(Map.of("entries", entries, "count", entries.size()));
  }
}
