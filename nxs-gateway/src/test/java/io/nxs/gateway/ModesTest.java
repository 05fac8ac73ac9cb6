package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.streamingChat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Parallel (hedged) and weighted modes (GW4), and the global deadline. */
class ModesTest {

  @AutoClose private final FakeUpstream slow = FakeUpstream.start("slow");
  @AutoClose private final FakeUpstream fast = FakeUpstream.start("fast");
  @AutoClose private GatewayFixture f;

  @Test
  void hedgingAnswersNearTheFastProvidersTimeAndClosesTheLosersConnection() throws Exception {
    slow.always(Script.ok().withFirstChunkDelay(Duration.ofSeconds(20)));
    f =
        GatewayFixture.start(
            GatewayFixture.providers(slow, fast).replace("timeout: 5s", "timeout: 30s")
                + "failover: {mode: parallel, hedge_delay: 100ms}\n");

    long start = System.nanoTime();
    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("fast");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertThat(took)
        .as("answered near the fast provider's time, far from the slow one's 20 s")
        .isLessThan(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> slow.openConnections() == 0);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                f.events(GatewayEvent.AttemptFinished.class).stream()
                    .anyMatch(
                        e ->
                            e.attempt().provider().equals("slow")
                                && e.attempt().outcome() == Outcome.CANCELLED));
  }

  @Test
  void hedgingStartsTheNextProviderAtOnceWhenTheFirstFails() throws Exception {
    slow.kill();
    f =
        GatewayFixture.start(
            GatewayFixture.providers(slow, fast)
                + "failover: {mode: parallel, hedge_delay: 10s}\n");

    long start = System.nanoTime();
    HttpResponse<String> r = f.post("/v1/chat/completions", chat("nxs-auto"));

    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("fast");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(r.headers().firstValue("x-nxs-attempts").orElseThrow())
        .matches("slow=refused;\\d+ms, fast=ok;\\d+ms");
  }

  @Test
  void hedgingUsesOnlyTheFirstProviderWhenItIsQuick() throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(slow, fast) + "failover: {mode: parallel, hedge_delay: 5s}\n");

    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));

    assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("slow");
    assertThat(fast.requests()).isEmpty();
  }

  @Test
  void weightedModeSpreadsRequestsByWeight() throws Exception {
    f =
        GatewayFixture.start(
            GatewayFixture.providers(slow, fast)
                    .replaceFirst("retry: 0", "retry: 0\n    weight: 1")
                    .replaceFirst(
                        "priority: 2\n    timeout: 5s\n    retry: 0",
                        "priority: 2\n    timeout: 5s\n    retry: 0\n    weight: 3")
                + "failover: {mode: weighted}\n");

    int n = 200;
    for (int i = 0; i < n; i++) {
      assertThat(f.post("/v1/chat/completions", chat("nxs-auto")).statusCode()).isEqualTo(200);
    }

    double fastShare = fast.count("/v1/chat/completions") / (double) n;
    assertThat(fastShare).as("weight 3 of 4").isBetween(0.6, 0.9);
    assertThat(slow.count("/v1/chat/completions") + fast.count("/v1/chat/completions"))
        .isEqualTo(n);
  }

  @Test
  void noRequestOutlivesGlobalTimeoutEvenWhenEveryProviderHangs() throws Exception {
    slow.always(Script.hang());
    fast.always(Script.hang());
    f =
        GatewayFixture.start(
            GatewayFixture.providers(slow, fast).replace("timeout: 5s", "timeout: 60s")
                + "failover: {global_timeout: 1s}\n");

    long start = System.nanoTime();
    HttpResponse<String> r = f.post("/v1/chat/completions", streamingChat("nxs-auto"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(GatewayFixture.json(r.body()).at("/error/code").asText())
        .isEqualTo("deadline_exceeded");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(10)).until(() -> slow.openConnections() == 0);
  }
}
