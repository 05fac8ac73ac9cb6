package io.nxs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.nxs.testkit.upstream.FakeUpstream;
import io.nxs.testkit.upstream.Script;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The loop exchange (ADR 0037): a request that does not stream makes its first attempt on the
 * client connection's event loop, and when that attempt fails in any way the request fails over on
 * the blocking path with the first attempt in its trail exactly as the blocking path records it.
 * Each fault runs twice against the same real upstreams on loopback, the loop exchange on (the
 * default) and off ({@code -Dnxs.gateway.loopExchange=false}), and the two must agree — with the
 * first provider at an IP address and at a host name ({@code localhost}, resolved off the loop).
 *
 * <p>Both clients send the same request head, so which one made an attempt is read from the
 * gateway's {@code nxs.gateway.loop.attempts} counter, not from the upstream.
 */
class LoopExchangeTest {

  /** What one request through a fixture gave: status, headers, and the attempts' records. */
  record Run(
      int status,
      String provider,
      String trail,
      List<String> firstAttempt,
      List<FakeUpstream.Received> atA,
      int loopAttemptsOnA,
      int loopAttemptsOnB) {}

  /** Attempts the loop made on {@code provider} (0 when it made none, or is off). */
  private static int loopAttempts(GatewayFixture f, String provider) {
    Counter c = f.metrics.find("nxs.gateway.loop.attempts").tag("provider", provider).counter();
    return c == null ? 0 : (int) c.count();
  }

  private static Run run(
      boolean loop, String yaml, FakeUpstream a, String body, Consumer<GatewayFixture> check)
      throws Exception {
    System.setProperty("nxs.gateway.loopExchange", Boolean.toString(loop));
    GatewayFixture f;
    try {
      f = GatewayFixture.start(yaml);
    } finally {
      System.clearProperty("nxs.gateway.loopExchange");
    }
    try (f) {
      // A key is known to the loop's gate once the full gate has checked it once.
      assertThat(f.get("/v1/models", f.key).statusCode()).isEqualTo(200);
      if (loop) {
        // Provider w has a's host on a healthy upstream: once a request of its has been made on the
        // loop, the host's name is resolved (a name's first request resolves it off the loop and
        // takes the blocking path).
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    f.post("/v1/chat/completions", GatewayFixture.chat("w")).statusCode() == 200
                        && loopAttempts(f, "w") > 0);
      }
      f.seen.clear();
      int before = a.requests().size();
      HttpResponse<String> r = f.post("/v1/chat/completions", body);
      check.accept(f);
      List<String> first =
          f.events(GatewayEvent.FailedOver.class).stream()
              .findFirst()
              .map(e -> e.attempts().getFirst())
              .map(x -> List.of(x.provider(), x.outcome().label(), "" + x.status(), x.detail()))
              .orElse(List.of());
      List<FakeUpstream.Received> atA = a.requests();
      return new Run(
          r.statusCode(),
          r.headers().firstValue("x-nxs-provider").orElse(""),
          r.headers().firstValue("x-nxs-attempts").orElse("").replaceAll(";\\d+ms", ""),
          first,
          atA.subList(Math.min(before, atA.size()), atA.size()),
          loopAttempts(f, "a"),
          loopAttempts(f, "b"));
    }
  }

  /** {@code url} (an upstream's, at 127.0.0.1) at {@code host} instead. */
  private static String at(String host, String url) {
    return url.replace("://127.0.0.1:", "://" + host + ":");
  }

  /**
   * Providers a (first, at {@code first}), b (the failover) and w (a's host on b's upstream, for
   * {@link #run}'s warm-up only: the chain of {@code nxs-auto} never reaches it).
   */
  private static String yaml(String first, FakeUpstream b, String extra) {
    String host = URI.create(first).getHost();
    return "providers:\n"
        + "  - name: a\n"
        + "    base_url: "
        + first
        + "\n    api_key: key-of-a\n    model: model-a\n    priority: 1\n    timeout: 30s\n"
        + "    first_token_timeout: 300ms\n    retry: 0\n"
        + "    circuit_breaker: {failure_threshold: 1000}\n"
        + extra
        + "  - name: b\n    base_url: "
        + b.baseUrl()
        + "\n    api_key: key-of-b\n    model: model-b\n    priority: 2\n    timeout: 5s\n"
        + "    retry: 0\n"
        + "  - name: w\n    base_url: "
        + at(host, b.baseUrl())
        + "\n    api_key: key-of-w\n    model: model-w\n    priority: 3\n    timeout: 5s\n"
        + "    retry: 0\n"
        // Room for a's 64 MiB body on a loaded machine (a cold JVM at load 9 took over 4 s).
        + "failover: {mode: sequential, global_timeout: 30s}\n";
  }

  /** The same fault with the loop exchange off and on: both fail over the same way. */
  private static Run sameBothWays(FakeUpstream a, FakeUpstream b, String yaml, String outcome)
      throws Exception {
    Run off = run(false, yaml, a, GatewayFixture.chat("nxs-auto"), f -> {});
    Run on = run(true, yaml, a, GatewayFixture.chat("nxs-auto"), f -> {});
    for (Run r : List.of(off, on)) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.provider()).isEqualTo("b");
      assertThat(r.trail()).isEqualTo("a=" + outcome + ", b=ok");
    }
    assertThat(on.firstAttempt()).isEqualTo(off.firstAttempt()).isNotEmpty();
    assertThat(off.loopAttemptsOnA()).isZero();
    assertThat(on.loopAttemptsOnA()).isEqualTo(1);
    assertThat(on.loopAttemptsOnB()).isZero(); // the failover: blocking
    return on;
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void aGoodAnswerComesFromTheLoopWithTheBlockingPathsHeadersAndBody(String host) throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a");
        FakeUpstream b = FakeUpstream.start("b")) {
      String yaml = yaml(at(host, a.baseUrl()), b, "");
      Run off = run(false, yaml, a, GatewayFixture.chat("nxs-auto"), f -> {});
      Run on = run(true, yaml, a, GatewayFixture.chat("nxs-auto"), f -> {});
      assertThat(on)
          .extracting(Run::status, Run::provider, Run::trail)
          .containsExactly(200, "a", "a=ok");
      assertThat(off)
          .extracting(Run::status, Run::provider, Run::trail)
          .containsExactly(200, "a", "a=ok");
      assertThat(on.loopAttemptsOnA()).isEqualTo(1);
      assertThat(off.loopAttemptsOnA()).isZero();
      // The upstream saw the same request head from both clients: Host is the configured
      // authority, User-Agent the blocking client's.
      FakeUpstream.Received fromLoop = on.atA().getFirst();
      FakeUpstream.Received fromApache = off.atA().getFirst();
      assertThat(fromLoop.headers()).isEqualTo(fromApache.headers());
      assertThat(fromLoop.header("host")).isEqualTo(host + ":" + a.port());
      assertThat(fromLoop.header("user-agent")).startsWith("Apache-HttpClient/");
      // The same request reached the upstream: the provider's model, the provider's key.
      assertThat(on.atA().getFirst().json()).isEqualTo(off.atA().getFirst().json());
      assertThat(on.atA().getFirst().header("authorization")).isEqualTo("Bearer key-of-a");
      assertThat(on.atA().getFirst().json().path("model").asText()).isEqualTo("model-a");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void aRefusedConnectionFailsOverWithTheSameFirstAttempt(String host) throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a");
        FakeUpstream b = FakeUpstream.start("b")) {
      a.kill();
      sameBothWays(a, b, yaml(at(host, a.baseUrl()), b, ""), "refused");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void anUpstream500FailsOverWithTheSameFirstAttempt(String host) throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a").always(Script.status(500));
        FakeUpstream b = FakeUpstream.start("b")) {
      Run on = sameBothWays(a, b, yaml(at(host, a.baseUrl()), b, ""), "server_error");
      assertThat(on.firstAttempt())
          .containsExactly("a", "server_error", "500", "upstream a answers 500");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void anUpstreamHangingPastFirstTokenTimeoutFailsOverAndItsConnectionIsClosed(String host)
      throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a").always(Script.hang());
        FakeUpstream b = FakeUpstream.start("b")) {
      sameBothWays(a, b, yaml(at(host, a.baseUrl()), b, ""), "timeout");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> a.openConnections() == 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void aNonJson200FailsOverWithTheSameFirstAttempt(String host) throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a").always(Script.malformed());
        FakeUpstream b = FakeUpstream.start("b")) {
      Run on = sameBothWays(a, b, yaml(at(host, a.baseUrl()), b, ""), "unparseable");
      assertThat(on.firstAttempt().get(3)).startsWith("the body is not JSON");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void aBodyOverTheLimitFailsOverWithTheSameFirstAttempt(String host) throws Exception {
    HttpServer huge =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    huge.createContext(
        "/v1/chat/completions",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, 0); // chunked: the limit is found by reading
          byte[] mib = new byte[1 << 20];
          java.util.Arrays.fill(mib, (byte) ' ');
          try (OutputStream out = ex.getResponseBody()) {
            out.write('[');
            for (int i = 0; i < 80; i++) {
              out.write(mib);
            }
          } catch (IOException clientGone) {
            // the gateway stops reading at its limit and closes the connection
          }
        });
    huge.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    huge.start();
    try (FakeUpstream b = FakeUpstream.start("b");
        FakeUpstream unused = FakeUpstream.start("a")) {
      String base = "http://" + host + ":" + huge.getAddress().getPort() + "/v1";
      String yaml = yaml(base, b, "");
      Run off = run(false, yaml, unused, GatewayFixture.chat("nxs-auto"), f -> {});
      Run on = run(true, yaml, unused, GatewayFixture.chat("nxs-auto"), f -> {});
      for (Run r : List.of(off, on)) {
        assertThat(r)
            .extracting(Run::status, Run::provider, Run::trail)
            .containsExactly(200, "b", "a=reset, b=ok");
      }
      assertThat(on.firstAttempt())
          .isEqualTo(off.firstAttempt())
          .containsExactly("a", "reset", "0", "the upstream body exceeds 67108864 bytes");
      assertThat(List.of(off.loopAttemptsOnA(), on.loopAttemptsOnA())).containsExactly(0, 1);
    } finally {
      huge.stop(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void a401OnTheNextKeyRotatesToTheCurrentKeyOnTheSameProvider(String host) throws Exception {
    try (FakeUpstream a = FakeUpstream.start("a").always(Script.rejectKey("next-key-of-a"));
        FakeUpstream b = FakeUpstream.start("b")) {
      String yaml = yaml(at(host, a.baseUrl()), b, "    api_key_next: next-key-of-a\n");
      for (boolean loop : List.of(false, true)) {
        Run r =
            run(
                loop,
                yaml,
                a,
                GatewayFixture.chat("nxs-auto"),
                f ->
                    assertThat(f.events(GatewayEvent.CredentialFailed.class))
                        .singleElement()
                        .matches(e -> e.credential().equals("next") && e.status() == 401));
        assertThat(r)
            .extracting(Run::status, Run::provider, Run::trail)
            .containsExactly(200, "a", "a=auth_failed, a=ok");
        assertThat(r.atA()).hasSize(2);
        assertThat(r.atA().get(0).header("authorization")).isEqualTo("Bearer next-key-of-a");
        assertThat(r.atA().get(1).header("authorization")).isEqualTo("Bearer key-of-a");
        // With the loop on, the first key's attempt was the loop's, the second the blocking path's.
        assertThat(r.loopAttemptsOnA()).isEqualTo(loop ? 1 : 0);
      }
    }
  }
}
