package io.nxs.app;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.auth.ApiKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.Durations;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/daemon/stop} (admin): asks the daemon to stop as SIGTERM does. The request is
 * audited ({@code nxs.stop_requested}, the calling key as actor) and answered {@code 202} with the
 * daemon's pid and grace period before the drain begins; {@code nxs serve} then drains and exits 0.
 */
final class StopRoutes implements HttpRoutes {

  private final AuditTrail audit;
  private final Duration grace;
  private final CompletableFuture<String> requested;

  StopRoutes(AuditTrail audit, Duration grace, CompletableFuture<String> requested) {
    this.audit = audit;
    this.grace = grace;
    this.requested = requested;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.post("/api/v1/daemon/stop", this::stop, Scope.ADMIN);
  }

  private void stop(Context ctx) {
    String actor = HttpServer.key(ctx).map(ApiKey::id).orElse("anonymous");
    audit.append(
        new AuditEvent(
            "nxs.stop_requested",
            Severity.MEDIUM,
            actor,
            "daemon",
            Map.of("pid", ProcessHandle.current().pid(), "from", ctx.ip())));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("stopping", true);
    body.put("pid", ProcessHandle.current().pid());
    body.put("shutdown_grace", Durations.format(grace));
    ctx.status(202).json(body);
    // The drain that follows lets this response finish: the graceful handler waits for it.
    requested.complete(actor);
  }
}
