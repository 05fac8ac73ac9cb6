package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Breakers (GW3), Retry-After (GW5) and the retry budget (GW4), on the injected clock. */
class BreakerTest {

  @AutoClose private final FakeUpstream a = FakeUpstream.start("a");
  @AutoClose private final FakeUpstream b = FakeUpstream.start("b");
  @AutoClose private GatewayFixture f;

  private String config(String extraForA) {
    return GatewayFixture.providers(a, b)
        .replaceFirst(
            "retry: 0\n",
            "retry: 0\n    circuit_breaker: {failure_threshold: 3, timeout_seconds: 60}\n"
                + extraForA);
  }

  private String attempts() throws Exception {
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(r.statusCode()).isEqualTo(200);
    return r.headers().firstValue("x-nxs-attempts").orElseThrow();
  }

  private String breakerState() throws Exception {
    return GatewayFixture.json(f.get("/api/v1/providers", f.key).body())
        .at("/providers/0/breaker")
        .asText();
  }

  @Test
  void threeFailuresOpenTheBreakerAndThenTheProviderIsSkipped() throws Exception {
    f = GatewayFixture.start(config(""));
    a.always(Script.status(500));

    for (int i = 0; i < 3; i++) {
      assertThat(attempts()).startsWith("a=server_error;");
    }

    assertThat(attempts()).matches("a=breaker_open;0ms, b=ok;\\d+ms");
    assertThat(a.count("/v1/chat/completions")).isEqualTo(3);
    assertThat(f.events(GatewayEvent.BreakerTransitioned.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.provider()).isEqualTo("a");
              assertThat(e.from()).isEqualTo("CLOSED");
              assertThat(e.to()).isEqualTo("OPEN");
            });
    assertThat(f.metrics.get("nxs.gateway.breaker.state").tag("provider", "a").gauge().value())
        .isEqualTo(2.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !f.auditEntries("provider.breaker_open").isEmpty());
  }

  @Test
  void failuresOutsideTheSixtySecondWindowDoNotOpenIt() throws Exception {
    f = GatewayFixture.start(config(""));
    a.always(Script.status(500));

    attempts();
    attempts();
    f.clock.advance(Duration.ofSeconds(61));
    attempts();

    assertThat(attempts()).startsWith("a=server_error;");
    assertThat(f.events(GatewayEvent.BreakerTransitioned.class)).isEmpty();
  }

  @Test
  void afterTimeoutSecondsOneTrialCallClosesItOnSuccess() throws Exception {
    f = GatewayFixture.start(config(""));
    a.always(Script.status(500));
    for (int i = 0; i < 3; i++) {
      attempts();
    }
    f.clock.advance(Duration.ofSeconds(59));
    assertThat(attempts()).startsWith("a=breaker_open;");

    f.clock.advance(Duration.ofSeconds(2));
    a.always(Script.ok());

    assertThat(attempts()).matches("a=ok;\\d+ms");
    assertThat(f.events(GatewayEvent.BreakerTransitioned.class))
        .extracting(GatewayEvent.BreakerTransitioned::to)
        .containsExactly("OPEN", "HALF_OPEN", "CLOSED");
  }

  @Test
  void aFailedTrialCallReopensIt() throws Exception {
    f = GatewayFixture.start(config(""));
    a.always(Script.status(503));
    for (int i = 0; i < 3; i++) {
      attempts();
    }
    f.clock.advance(Duration.ofSeconds(61));

    assertThat(attempts()).startsWith("a=server_error;");
    assertThat(attempts()).startsWith("a=breaker_open;");
    assertThat(f.events(GatewayEvent.BreakerTransitioned.class))
        .extracting(GatewayEvent.BreakerTransitioned::to)
        .containsExactly("OPEN", "HALF_OPEN", "OPEN");
  }

  @Test
  void retryAfterOnA429KeepsTheProviderCoolingExactlyThatLong() throws Exception {
    f = GatewayFixture.start(config(""));
    a.once(Script.rateLimited(7));

    assertThat(attempts()).matches("a=rate_limited;\\d+ms, b=ok;\\d+ms");
    f.clock.advance(Duration.ofSeconds(6));
    assertThat(attempts()).startsWith("a=breaker_open;");

    f.clock.advance(Duration.ofSeconds(2));
    assertThat(attempts()).matches("a=ok;\\d+ms");
  }

  @Test
  void aClientErrorNeverTripsTheBreaker() throws Exception {
    f = GatewayFixture.start(config(""));
    a.always(Script.status(422));

    for (int i = 0; i < 5; i++) {
      assertThat(f.post("/v1/chat/completions", chat("nxs-auto")).statusCode()).isEqualTo(422);
    }

    assertThat(breakerState()).isEqualTo("CLOSED");
    assertThat(a.count("/v1/chat/completions")).isEqualTo(5);
  }

  @Test
  void aSpentRetryBudgetStopsRetriesToADeadProvider() throws Exception {
    f =
        GatewayFixture.start(
            config("").replaceFirst("retry: 0", "retry: 3")
                + "failover: {retry_budget: 0, min_retries_per_second: 0}\n");
    a.always(Script.status(500));

    assertThat(attempts()).matches("a=server_error;\\d+ms, a=retry_budget;0ms, b=ok;\\d+ms");
    assertThat(a.count("/v1/chat/completions")).isEqualTo(1);
  }

  @Test
  void theBudgetAllowsRetriesInProportionToFirstAttempts() throws Exception {
    f =
        GatewayFixture.start(
            config("").replaceFirst("retry: 0", "retry: 1")
                + "failover: {retry_budget: 0.5, min_retries_per_second: 0, max_retries_per_provider: 1}\n");
    a.always(Script.status(500).withRetryAfter(-1));

    // Each first attempt earns half a retry: requests 1 and 3 spend none, 2 and 4 may retry once.
    String first = attempts();
    String second = attempts();

    assertThat(first).matches("a=server_error;\\d+ms, a=retry_budget;0ms, b=ok;\\d+ms");
    assertThat(second).matches("a=server_error;\\d+ms, a=server_error;\\d+ms, b=ok;\\d+ms");
  }
}
