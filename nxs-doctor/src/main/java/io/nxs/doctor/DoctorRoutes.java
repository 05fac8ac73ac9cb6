package io.nxs.doctor;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.nxs.core.NxsException;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.Durations;
import io.nxs.core.http.ApiException;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.http.HttpServer;
import io.nxs.doctor.heal.HealingRecord;
import io.nxs.doctor.incident.Incident;
import io.nxs.doctor.incident.IncidentTree;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Doctor's HTTP API (SPEC DR2-DR8):
 *
 * <ul>
 *   <li>{@code GET /api/v1/alerts}: pending, firing and acknowledged alerts
 *   <li>{@code POST /api/v1/alerts/{id}/ack} (admin): acknowledge one
 *   <li>{@code GET /api/v1/incidents}: the newest incidents (open first), each with its tree
 *   <li>{@code GET /api/v1/health}: the health score and its dimensions, predictions, anomalies
 *   <li>{@code GET /api/v1/healing}: the healing log and what waits for approval
 *   <li>{@code POST /api/v1/healing/{id}/approve} (admin): approve a level 4-6 action
 *   <li>{@code GET /api/v1/doctor/rules}: the rules in force and the rejected ones
 *   <li>{@code GET /api/v1/kpis}: the resilience KPIs
 * </ul>
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
    routes.get("/api/v1/incidents", this::incidents, Scope.READ);
    routes.get("/api/v1/health", ctx -> ctx.json(doctor.health()), Scope.READ);
    routes.get("/api/v1/healing", this::healing, Scope.READ);
    routes.post("/api/v1/healing/{id}/approve", this::approve, Scope.ADMIN);
    routes.get("/api/v1/doctor/rules", this::rules, Scope.READ);
    routes.get("/api/v1/kpis", ctx -> ctx.json(doctor.kpis()), Scope.READ);
    routes.get(
        "/api/v1/doctor/host",
        ctx -> ctx.json(HostView.of(doctor.samples(), doctor.health())),
        Scope.READ);
  }

  private void alerts(Context ctx) {
    var open = doctor.alerts().open();
    ctx.json(Map.of("alerts", open, "count", open.size()));
  }

  private void ack(Context ctx) {
    try {
      ctx.json(doctor.acknowledge(ctx.pathParam("id"), actor(ctx)));
    } catch (NxsException e) {
      throw e.getMessage().startsWith("no open alert")
          ? ApiException.notFound(e.getMessage())
          : ApiException.badRequest(e.getMessage());
    }
  }

  private void incidents(Context ctx) {
    List<Incident> recent = doctor.recentIncidents(50);
    List<Map<String, Object>> out =
        recent.stream()
            .sorted((a, b) -> Boolean.compare(b.open(), a.open()))
            .map(DoctorRoutes::withTree)
            .toList();
    ctx.json(Map.of("incidents", out, "open", recent.stream().filter(Incident::open).count()));
  }

  /** An incident as JSON with its rendered tree. */
  static Map<String, Object> withTree(Incident i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("incident", i);
    m.put("tree", IncidentTree.render(i));
    return m;
  }

  private void healing(Context ctx) {
    List<HealingRecord> log = doctor.healingLog(100);
    List<HealingRecord> awaiting =
        doctor.healer().unfinished().stream()
            .filter(r -> r.state() == HealingRecord.State.AWAITING_APPROVAL)
            .toList();
    ctx.json(
        Map.of(
            "healing",
            log,
            "awaiting_approval",
            awaiting,
            "dry_run",
            doctor.config().healing().dryRun()));
  }

  private void approve(Context ctx) {
    try {
      ctx.json(doctor.approve(ctx.pathParam("id"), actor(ctx)));
    } catch (NxsException e) {
      throw e.getMessage().startsWith("no healing attempt")
          ? ApiException.notFound(e.getMessage())
          : new ApiException(409, "invalid_request_error", "conflict", e.getMessage());
    }
  }

  private void rules(Context ctx) {
    RuleSet.Snapshot snap = doctor.rules().current();
    Map<String, String> errors = doctor.alerts().evaluationErrors();
    List<Map<String, Object>> rules =
        snap.all().stream().map(r -> describe(r, errors.get(r.id()))).toList();
    ctx.json(
        Map.of(
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
    m.put("duration", Durations.format(r.duration()));
    m.put("auto_resolve", r.autoResolve());
    m.put("source", r.source() + ":" + r.line());
    if (evaluationError != null) {
      m.put("error", evaluationError);
    }
    return m;
  }

  static String actor(Context ctx) {
    return HttpServer.key(ctx).map(k -> k.id()).orElse("api");
  }
}
