package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static io.nxs.gateway.GatewayFixture.streamingChat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.HealthSource;
import io.nxs.core.ext.MetricSource;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Usage and cost (GW9), the Doctor's extension points, probes and air-gapped mode (GW8, GW12). */
class OperationsTest {

  @AutoClose private final FakeUpstream a = FakeUpstream.start("a");
  @AutoClose private final FakeUpstream b = FakeUpstream.start("b");
  @AutoClose private GatewayFixture f;

  @Test
  void usageIsTotalledPerProviderModelAndKeyWithCostAndKeptInSqlite() throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst("retry: 0", "retry: 0\n    prices: {prompt: 1.0, completion: 2.0}"));

    f.post("/v1/chat/completions", chat("nxs-auto"));
    f.post("/v1/chat/completions", chat("nxs-auto"));
    f.post("/v1/chat/completions", streamingChat("nxs-auto"));
    JsonNode usage = json(f.get("/api/v1/usage?since=1d", f.key).body());

    JsonNode row = usage.at("/rows/0");
    assertThat(row.get("provider").asText()).isEqualTo("a");
    assertThat(row.get("model").asText()).isEqualTo("model-a");
    assertThat(row.get("api_key_id").asText()).isNotEqualTo("-");
    assertThat(row.get("requests").asLong()).isEqualTo(3);
    assertThat(row.get("prompt_tokens").asLong()).isEqualTo(36);
    assertThat(row.get("completion_tokens").asLong()).isEqualTo(9);
    assertThat(row.get("cost").asDouble())
        .isCloseTo(0.054, org.assertj.core.data.Offset.offset(1e-9));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.store.file());
        ResultSet rs =
            c.createStatement().executeQuery("SELECT SUM(requests) FROM gateway_usage")) {
      assertThat(rs.getLong(1)).isEqualTo(3);
    }
  }

  @Test
  void budgetsRaiseEventsAtEachThresholdAndAHardStopAnswers429() throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                    .replaceFirst(
                        "retry: 0", "retry: 0\n    prices: {prompt: 1000, completion: 1000}")
                + "budgets:\n  global: {monthly: 40, hard_stop: true}\n");

    for (int i = 0; i < 3; i++) {
      assertThat(f.post("/v1/chat/completions", chat("nxs-auto")).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> stopped = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(f.events(GatewayEvent.BudgetReached.class))
        .extracting(GatewayEvent.BudgetReached::percent)
        .containsExactly(50, 75, 90, 100);
    assertThat(stopped.statusCode()).isEqualTo(429);
    assertThat(json(stopped.body()).at("/error/code").asText()).isEqualTo("budget_exhausted");
    assertThat(json(stopped.body()).at("/error/message").asText())
        .contains("global monthly budget is spent (45.0000 of 40.0000)")
        .contains("resets on 2026-02-01");
    assertThat(a.count("/v1/chat/completions")).isEqualTo(3);
  }

  @Test
  void switchProviderIsALevelThreeHealingActionThatOpensTheBreaker() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.once(Script.status(500));
    f.post("/v1/chat/completions", chat("nxs-auto"));
    HealingAction action =
        f.extensions.healingActions().find("gateway.switch_provider").orElseThrow();

    HealingAction.Outcome dry = action.execute("", true);
    HealingAction.Outcome done = action.execute("a", false);

    assertThat(action.level()).isEqualTo(3);
    assertThat(dry.success()).isTrue();
    assertThat(dry.detail()).startsWith("would set a's breaker open").contains("requests go to b");
    assertThat(done.success()).isTrue();
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=breaker_open;0ms, b=ok;\\d+ms");
    HealthSource.Health health =
        f.extensions.healthSources().find("provider.a").orElseThrow().check();
    assertThat(health.status()).isEqualTo(HealthSource.Status.DOWN);
    assertThat(f.extensions.readinessChecks().find("gateway").orElseThrow().check().detail())
        .isEqualTo("1 of 2 providers available");
    assertThat(action.execute("nobody", false).success()).isFalse();
  }

  @Test
  void anOperatorsProviderTestIsAuditedWithTheCallingKeyAsActor() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    b.kill();

    HttpResponse<String> ok = f.postAdmin("/api/v1/providers/a/test", "");
    HttpResponse<String> failing = f.postAdmin("/api/v1/providers/b/test", "");

    assertThat(json(ok.body()).get("ok").asBoolean()).isTrue();
    assertThat(json(failing.body()).get("ok").asBoolean()).isFalse();
    assertThat(f.auditEntries("provider.tested"))
        .extracting(e -> e.actor() + " " + e.target() + " " + e.details().get("outcome"))
        .containsExactly(f.adminKeyId + " a ok", f.adminKeyId + " b refused");
  }

  @Test
  void probesUseModelsAndAutoDetectTakesTheFirstListedModel() throws Exception {
    a.models(List.of("qwen2.5-7b-instruct", "other"));
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b).replace("model: model-a", "model: auto-detect"));

    f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(a.count("/v1/models")).isEqualTo(1);
    assertThat(a.requests().getLast().json().get("model").asText())
        .isEqualTo("qwen2.5-7b-instruct");
  }

  @Test
  void aLoadingLocalModelIsWarmUpNotFailure() throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst("retry: 0", "retry: 0\n    circuit_breaker: {failure_threshold: 1}"));
    a.always(Script.modelLoading());

    for (int i = 0; i < 3; i++) {
      assertThat(
              f.post("/v1/chat/completions", chat("nxs-auto"))
                  .headers()
                  .firstValue("x-nxs-attempts")
                  .orElseThrow())
          .startsWith("a=warming_up;");
    }

    assertThat(f.events(GatewayEvent.BreakerTransitioned.class)).isEmpty();
  }

  @Test
  void whenEveryRemoteProviderIsUnreachableOnlyLocalOnesAreUsedAndAnAlertIsRaised()
      throws Exception {
    String yaml =
        "providers:\n"
            + "  - {name: remote, base_url: 'http://192.0.2.1:9/v1', priority: 1, timeout: 5s, connect_timeout: 300ms, model: m}\n"
            + "  - {name: b, base_url: '"
            + b.baseUrl()
            + "', priority: 2, model: m}\n";
    f = GatewayFixture.start(yaml);

    HttpResponse<String> first = f.post("/v1/chat/completions", chat("nxs-auto"));
    HttpResponse<String> second = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(first.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("remote=(refused|timeout|reset);\\d+ms, b=ok;\\d+ms");
    assertThat(second.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("remote=air_gapped;0ms, b=ok;\\d+ms");
    assertThat(f.events(GatewayEvent.AirGapped.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.airGapped()).isTrue();
              assertThat(e.localProviders()).containsExactly("b");
            });
    assertThat(json(f.get("/api/v1/providers", f.key).body()).get("air_gapped").asBoolean())
        .isTrue();
  }

  @Test
  void repeatedFailoversAreEachAnEventButTheAuditLogGetsOneEntryPerTenSecondsWithACount()
      throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a, b)
                .replaceFirst(
                    "retry: 0", "retry: 0\n    circuit_breaker: {failure_threshold: 100}"));
    a.always(Script.status(500));

    for (int i = 0; i < 4; i++) {
      f.post("/v1/chat/completions", chat("nxs-auto"));
    }
    f.clock.advance(java.time.Duration.ofSeconds(11));
    f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(f.events(GatewayEvent.FailedOver.class)).hasSize(5);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> f.auditEntries("provider.failover").size() == 2);
    assertThat(f.auditEntries("provider.failover"))
        .extracting(e -> ((Number) e.details().get("more_since_last_entry")).intValue())
        .containsExactly(0, 3);
  }

  @Test
  void metricsExposeAttemptsLatencyHistogramsAndFailoverTime() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    a.once(Script.status(503));
    f.post("/v1/chat/completions", chat("nxs-auto"));

    String metrics =
        f.http
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.url("/metrics")))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();

    assertThat(metrics)
        .contains("nxs_gateway_attempts_total{")
        .containsPattern(
            "nxs_gateway_attempts_total\\{[^}]*outcome=\"server_error\"[^}]*provider=\"a\"")
        .contains("nxs_gateway_upstream_latency_seconds_bucket{")
        .contains("nxs_gateway_failover_time_seconds_count")
        .contains("nxs_gateway_breaker_state{");
  }

  @Test
  void theDoctorHearsTheMeanFailoverTimeOncePerFailoverAndNothingWithoutOne() throws Exception {
    f = GatewayFixture.start(GatewayFixture.providers(a, b));
    MetricSource figures = f.extensions.metricSources().find("gateway").orElseThrow();
    assertThat(failoverSeconds(figures)).isEmpty();

    a.once(Script.status(503));
    f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(failoverSeconds(figures)).singleElement().satisfies(s -> assertThat(s).isPositive());
    assertThat(failoverSeconds(figures)).as("counted once, not again").isEmpty();
  }

  private static List<Double> failoverSeconds(MetricSource figures) {
    return figures.collect().stream()
        .filter(s -> s.metric().equals("gateway.failover_seconds"))
        .map(MetricSource.Sample::value)
        .toList();
  }
}
