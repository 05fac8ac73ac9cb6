package io.nxs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 500 concurrent streaming requests through NXS complete with no error. */
class ConcurrencyTest {

  @Test
  void fiveHundredConcurrentStreamsAllCompleteCleanly() throws Exception {
    try (FakeUpstream down = FakeUpstream.start("down");
        FakeUpstream up = FakeUpstream.start("up");
        GatewayFixture f =
            GatewayFixture.start(
                GatewayFixture.providers(down, up).replace("timeout: 5s", "timeout: 60s")
                    + "failover: {global_timeout: 90s}\n")) {
      down.kill();
      // Chunks spaced out so that all 500 streams are open at the same time: each stream stays
      // open for four gaps (24 s), so the ten batches may take 2.4 s each on a busy machine (at
      // 3 s gaps, 1.2 s a batch was too little at load 25-30 on two cores).
      up.always(Script.ok().withChunkGap(Duration.ofMillis(6000)));
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      AtomicInteger peak = new AtomicInteger();
      try {
        // Connections are opened 50 at a time (each batch reaching the upstream before the next
        // starts), so what is tested is the relay, not the length of the daemon's accept queue.
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int batch = 1; batch <= 10; batch++) {
          for (int i = 0; i < 50; i++) {
            all.add(
                client.sendAsync(
                    HttpRequest.newBuilder(URI.create(f.url("/v1/chat/completions")))
                        .header("Authorization", "Bearer " + f.key)
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                GatewayFixture.streamingChat("nxs-auto")))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()));
          }
          int expected = batch * 50;
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> up.count("/v1/chat/completions") >= expected);
          peak.accumulateAndGet(up.openConnections(), Math::max);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        assertThat(peak.get()).as("streams open at once").isGreaterThanOrEqualTo(450);
        for (CompletableFuture<HttpResponse<String>> r : all) {
          HttpResponse<String> response = r.join();
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.headers().firstValue("x-nxs-provider")).hasValue("up");
          assertThat(response.body())
              .contains("\" upstream\"")
              .endsWith("data: [DONE]\n\n")
              .doesNotContain("\"error\"");
        }
        assertThat(up.count("/v1/chat/completions")).isEqualTo(500);
      } finally {
        client.shutdownNow();
      }
    }
  }
}
