package io.nxs.doctor;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.NxsException;
import io.nxs.core.auth.Scope;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Doctor's HTTP API: {@code GET /api/v1/alerts}, {@code POST /api/v1/alerts/{id}/ack}
 * (admin), {@code GET /api/v1/doctor/rules}.
 */
public final class DoctorRoutes implements HttpRoutes {

  private final Doctor doctor;

  public DoctorRoutes(Doctor doctor) {
    this.doctor = doctor;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get("/api/v1/alerts", this::alerts, Scope.READ);
    routes.post("/api/v1/alerts/{id}/ack", this::ack, Scope.ADMIN);
    routes.get("/api/v1/doctor/rules", this::rules, Scope.READ);
  }

  private void alerts(Context ctx) {
    var open = doctor.alerts().open();
    ctx.json(Map.of("alerts", open, "count", open.size()));
  }

  private void ack(Context ctx) {
    try {
      ctx.json(doctor.acknowledge(ctx.pathParam("id"), actor(ctx)));
    } catch (NxsException e) {
      throw ApiException.notFound(e.getMessage());
    }
  }

  private void rules(Context ctx) {
    RuleSet.Snapshot snap = doctor.rules().current();
    Map<String, String> errors = doctor.alerts().evaluationErrors();
    List<Map<String, Object>> rules = snap.all().stream().map(r -> describe(r, errors.get(r.id()))).toList();
    ctx.json(Map.of(
        "rules", rules,
        "count", rules.size(),
        "overridden", snap.overridden(),
        "rejected", snap.problems().stream().map(Object::toString).toList()));
  }

  /** A rule as JSON for the API and the CLI. */
  public static Map<String, Object> describe(Rule r, String evaluationError) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("name", r.name());
    m.put("severity", r.severity().label());
    m.put("category", r.category());
    m.put("condition", r.condition().source());
    if (r.resolveCondition() != null) {
      m.put("resolve_condition", r.resolveCondition().source());
    }
    m.put("duration", io.nxs.core.config.Durations.format(r.duration()));
    m.put("auto_resolve", r.autoResolve());
    m.put("source", r.source() + ":" + r.line());
    if (evaluationError != null) {
      m.put("error", evaluationError);
    }
    return m;
  }

  static String actor(Context ctx) {
    return io.nxs.core.http.HttpServer.key(ctx).map(k -> k.id()).orElse("api");
  }
}
