package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway meets the cluster through the core ports only (SPEC CL7, issue 12): two daemons on
 * loopback form a cluster; a request none of instance a's providers can answer is answered by
 * instance b through b's own {@code /v1} API, and a breaker a opened keeps b from choosing that
 * provider (a sends the half-open probe, not b).
 */
class ClusterGatewayTest {

  private static final String CHAT =
      "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @TempDir Path dir;

  /** The provider both instances have; it fails for everyone. */
  private final FakeUpstream shared = FakeUpstream.start("shared").always(Script.status(500));

  /** b's second provider, which answers. */
  private final FakeUpstream spare = FakeUpstream.start("spare");

  private final HttpClient http = HttpClient.newHttpClient();
  private Daemon a;
  private Daemon b;

  @BeforeEach
  void formCluster() throws Exception {
    int bArtery = freePort();
    // b's breaker on "shared" never opens on its own: breaker_open on b can only be a's hold.
    b =
        start(
            "b",
            "cluster:\n"
                + "  enabled: true\n  name: gw\n  node_id: b\n  heartbeat: 200ms\n"
                + "  bind: 127.0.0.1:"
                + bArtery
                + "\n"
                + "providers:\n"
                + provider("shared", shared, 1, 100)
                + provider("spare", spare, 2, 100));
    String bKey = Files.readString(b.home().adminKey()).strip();
    a =
        start(
            "a",
            "cluster:\n"
                + "  enabled: true\n  name: gw\n  node_id: a\n  heartbeat: 200ms\n"
                + "  bind: 127.0.0.1:0\n"
                + "  seeds: ['127.0.0.1:"
                + bArtery
                + "']\n"
                + "providers:\n"
                + provider("shared", shared, 1, 1)
                + "forwarding:\n  peer_keys:\n    b: "
                + bKey
                + "\n");
  }

  @AfterEach
  void stop() {
    for (Daemon d : new Daemon[] {a, b}) {
      if (d != null) {
        d.close();
      }
    }
    shared.close();
    spare.close();
  }

  @Test
  void aRequestNoLocalProviderCanAnswerIsAnsweredByAnotherInstanceButNeverForwardedTwice()
      throws Exception {
    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = chat(a, Map.of());
              assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
              assertThat(r.headers().firstValue("x-nxs-provider")).hasValue("spare@b");
              assertThat(r.headers().firstValue("x-nxs-attempts"))
                  .hasValueSatisfying(t -> assertThat(t).startsWith("shared=").contains("@b=ok"));
            });

    HttpResponse<String> forwarded = chat(a, Map.of("x-nxs-forwarded-by", "b"));

    assertThat(forwarded.statusCode()).isIn(502, 503);
    assertThat(forwarded.headers().firstValue("x-nxs-attempts"))
        .hasValueSatisfying(t -> assertThat(t).doesNotContain("@b"));
  }

  @Test
  void aBreakerOpenedOnOneInstanceKeepsTheOtherFromChoosingThatProvider() throws Exception {
    HttpResponse<String> first = chat(a, Map.of("x-nxs-forwarded-by", "test"));
    assertThat(first.headers().firstValue("x-nxs-attempts"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("shared=server_error"));

    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = chat(b, Map.of());
              assertThat(r.statusCode()).isEqualTo(200);
              assertThat(r.headers().firstValue("x-nxs-attempts"))
                  .hasValueSatisfying(t -> assertThat(t).startsWith("shared=breaker_open;"));
            });
    long before = calls(shared);
    HttpResponse<String> held = chat(b, Map.of());
    assertThat(held.headers().firstValue("x-nxs-provider")).hasValue("spare");
    assertThat(calls(shared)).isEqualTo(before);
  }

  private Daemon start(String name, String config) throws IOException {
    NxsHome home = new NxsHome(dir.resolve(name));
    home.initialize();
    Files.writeString(home.config(), "server:\n  port: " + freePort() + "\n" + config);
    return Daemon.start(home, Map.of(), Clock.systemUTC());
  }

  private static String provider(String name, FakeUpstream up, int priority, int threshold) {
    return "  - {name: "
        + name
        + ", base_url: '"
        + up.baseUrl()
        + "', model: m, priority: "
        + priority
        + ", circuit_breaker: {failure_threshold: "
        + threshold
        + ", timeout_seconds: 600}}\n";
  }

  private HttpResponse<String> chat(Daemon d, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(d.url() + "v1/chat/completions"))
            .header("Authorization", "Bearer " + Files.readString(d.home().adminKey()).strip())
            .POST(HttpRequest.BodyPublishers.ofString(CHAT));
    headers.forEach(req::header);
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long calls(FakeUpstream up) {
    return up.requests().stream().filter(r -> r.method().equals("POST")).count();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
