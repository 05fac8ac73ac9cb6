package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.ext.MetricSource;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One Resilience4j breaker per credential (GW3, GW7): during an overlap, a new key that keeps
 * failing 401 is skipped once its breaker opens, while the provider's breaker stays closed and the
 * old key serves; after {@code timeout_seconds} (on the fake clock) one trial decides.
 */
class CredentialBreakerTest {

  private static final String OLD = "old-key-aaaa-1111";
  private static final String NEW = "new-key-bbbb-2222";

  private final FakeUpstream a = FakeUpstream.start("a");
  private final FakeUpstream b = FakeUpstream.start("b");
  private GatewayFixture f;

  @BeforeEach
  void start() throws Exception {
    String yaml =
        GatewayFixture.providers(a, b)
            .replace("api_key: key-of-a", "api_key: " + OLD)
            .replaceFirst(
                "    retry: 0\n",
                "    retry: 0\n    circuit_breaker: {failure_threshold: 3, timeout_seconds: 30}\n");
    f = GatewayFixture.start(yaml);
    HttpResponse<String> rotated =
        f.postAdmin("/api/v1/providers/a/rotate", "{\"key\":\"" + NEW + "\"}");
    assertThat(rotated.statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    f.close();
    a.close();
    b.close();
  }

  private JsonNode providerA() throws Exception {
    return json(f.get("/api/v1/providers", f.key).body()).at("/providers/0");
  }

  @Test
  void aKeyThatKeepsFailingIsSkippedWhileTheProviderBreakerStaysClosedForTheOtherKey()
      throws Exception {
    a.always(Script.rejectKey(NEW));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
      assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
          .matches("a=auth_failed;\\d+ms, a=ok;\\d+ms");
    }

    int before = a.requests().size();
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("a");
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=credential_open;0ms, a=ok;\\d+ms");
    assertThat(a.requests().subList(before, a.requests().size()))
        .extracting(q -> q.header("authorization"))
        .containsExactly("Bearer " + OLD);
    JsonNode p = providerA();
    assertThat(p.get("breaker").asText()).isEqualTo("CLOSED");
    assertThat(p.at("/credential/next_breaker").asText()).isEqualTo("OPEN");
    assertThat(p.at("/credential/current_breaker").asText()).isEqualTo("CLOSED");
    assertThat(f.events(GatewayEvent.CredentialBreakerTransitioned.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.provider()).isEqualTo("a");
              assertThat(e.credential()).isEqualTo("next");
              assertThat(e.to()).isEqualTo("OPEN");
            });
    assertThat(f.events(GatewayEvent.BreakerTransitioned.class)).isEmpty();
    assertThat(f.metrics.scrape())
        .contains(
            "nxs_gateway_credential_breaker_state{application=\"nxs\",credential=\"next\",provider=\"a\"} 2.0")
        .contains(
            "nxs_gateway_credential_breaker_state{application=\"nxs\",credential=\"current\",provider=\"a\"} 0.0");
    assertThat(f.extensions.metricSources().find("gateway").orElseThrow().collect())
        .as("the Doctor's provider-credential-failing rule reads these")
        .contains(
            new MetricSource.Sample(
                "provider.credential_failing", Map.of("provider", "a", "credential", "next"), 1),
            new MetricSource.Sample(
                "provider.credential_failing", Map.of("provider", "a", "credential", "current"), 0),
            new MetricSource.Sample("gateway.providers", Map.of(), 2),
            new MetricSource.Sample("gateway.providers_failing", Map.of(), 0));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.credential_breaker_open").isEmpty());
  }

  @Test
  void afterTheOpenTimeATrialWithTheKeyClosesItsBreakerOrOpensItAgain() throws Exception {
    a.always(Script.rejectKey(NEW));
    for (int i = 0; i < 3; i++) {
      f.post("/v1/chat/completions", chat("nxs-auto"));
    }
    assertThat(providerA().at("/credential/next_breaker").asText()).isEqualTo("OPEN");

    // Still rejected at the trial: open again, and the old key answers.
    f.clock.advance(Duration.ofSeconds(31));
    HttpResponse<String> failedTrial = f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(failedTrial.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("a=auth_failed;\\d+ms, a=ok;\\d+ms");
    assertThat(providerA().at("/credential/next_breaker").asText()).isEqualTo("OPEN");

    // The upstream now accepts the new key: the next trial closes the breaker.
    a.always(Script.ok());
    f.clock.advance(Duration.ofSeconds(31));
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow()).matches("a=ok;\\d+ms");
    assertThat(a.requests().getLast().header("authorization")).isEqualTo("Bearer " + NEW);
    assertThat(providerA().at("/credential/next_breaker").asText()).isEqualTo("CLOSED");
    assertThat(f.events(GatewayEvent.CredentialBreakerTransitioned.class))
        .extracting(e -> e.from() + "->" + e.to())
        .containsExactly(
            "CLOSED->OPEN",
            "OPEN->HALF_OPEN",
            "HALF_OPEN->OPEN",
            "OPEN->HALF_OPEN",
            "HALF_OPEN->CLOSED");
  }
}
