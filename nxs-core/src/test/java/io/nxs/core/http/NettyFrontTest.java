package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nxs.core.auth.Scope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Netty front on the daemon's port: direct routes served on it, every other request relayed to
 * Jetty behind it (streams as they come, the client's address as Jetty's), bodies over the limit
 * refused, in-flight requests drained on stop, and a direct stream held back by a slow client.
 */
class NettyFrontTest {

  /** Bytes the back-pressure stream sends: far more than the socket buffers and the watermark. */
  private static final int STREAMED = 32 << 20;

  private static final int PIECE = 64 << 10;

  @TempDir Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private final CountDownLatch firstEventRead = new CountDownLatch(1);
  private final CountDownLatch slowEntered = new CountDownLatch(1);
  private final CountDownLatch slowRelease = new CountDownLatch(1);
  private final AtomicLong streamedSoFar = new AtomicLong();
  private final AtomicReference<Thread> streamer = new AtomicReference<>();
  private final CompletableFuture<Boolean> streamEnded = new CompletableFuture<>();
  private TestServer test;
  private HttpRoutes routes;
  private HttpServer server;
  private String key;

  @BeforeEach
  void start() {
    assumeTrue(NettyFront.available(), "the front needs native epoll");
    test = new TestServer(home);
    routes =
        new HttpRoutes() {
          @Override
          public void addTo(io.javalin.config.RoutesConfig r) {
            r.get("/api/v1/front/address", ctx -> ctx.result(ctx.ip()), Scope.READ);
            r.get(
                "/api/v1/front/secure",
                ctx -> ctx.result(ctx.scheme() + " " + ctx.req().isSecure()),
                Scope.READ);
            r.post("/api/v1/front/echo", ctx -> ctx.result(ctx.bodyAsBytes()), Scope.READ);
            r.get(
                "/api/v1/front/events",
                ctx -> {
                  ctx.contentType("text/event-stream");
                  OutputStream out = ctx.res().getOutputStream();
                  out.write(bytes("data: one\n\n"));
                  out.flush();
                  firstEventRead.await(); // the second event only once the first has arrived
                  out.write(bytes("data: two\n\n"));
                  out.flush();
                },
                Scope.READ);
          }

          @Override
          public void addDirect(DirectRoutes r) {
            r.post("/v1/echo", Scope.READ, ex -> ex.respond(200, "application/json", ex.body()));
            r.get(
                "/v1/slow",
                Scope.READ,
                ex -> {
                  slowEntered.countDown();
                  slowRelease.await();
                  ex.respond(200, "text/plain", bytes("finished"));
                });
            r.get(
                "/v1/tick",
                Scope.READ,
                ex -> ex.stream(200, "text/event-stream").write(bytes("data: tick\n\n")));
            r.get(
                "/v1/flood",
                Scope.READ,
                ex -> {
                  streamer.set(Thread.currentThread());
                  OutputStream out = ex.stream(200, "application/octet-stream");
                  byte[] piece = new byte[PIECE];
                  try {
                    for (int sent = 0; sent < STREAMED; sent += PIECE) {
                      out.write(piece);
                      out.flush();
                      streamedSoFar.addAndGet(PIECE);
                    }
                    streamEnded.complete(true);
                  } catch (IOException e) {
                    streamEnded.complete(false);
                    throw e;
                  }
                });
          }
        };
    server = test.server(Duration.ofSeconds(5), routes).start();
    key = test.key(Scope.READ);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      slowRelease.countDown();
      firstEventRead.countDown();
      server.stop();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    return request(uri(path));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> post(HttpClient with, URI uri, String body) throws Exception {
    return with.send(
        request(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key);
  }

  @Test
  void theFrontOwnsThePortAndServesTheDirectRoutes() throws Exception {
    HttpResponse<String> echo = post(client, uri("/v1/echo"), "{\"a\":1}");

    assertThat(server.fronted()).isTrue();
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(echo.body()).isEqualTo("{\"a\":1}");
    assertThat(echo.headers().firstValue("x-frame-options")).contains("DENY");
  }

  @Test
  void otherRequestsReachJettyWithTheClientsAddressAndBody() throws Exception {
    HttpResponse<String> address =
        client.send(request("/api/v1/front/address").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> echo =
        client.send(
            request("/api/v1/front/echo")
                .POST(HttpRequest.BodyPublishers.ofString("relayed body"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> health =
        client.send(request("/healthz").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> missing =
        client.send(request("/api/v1/none").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(address.body()).isEqualTo("127.0.0.1");
    assertThat(echo.body()).isEqualTo("relayed body");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("x-content-type-options")).contains("nosniff");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("\"not_found\"");
  }

  @Test
  void aRelayedEventStreamArrivesEventByEvent() throws Exception {
    HttpResponse<InputStream> events =
        client.send(
            request("/api/v1/front/events").build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
      assertThat(events.headers().firstValue("content-type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      assertThat(lines.readLine()).isEqualTo("data: one"); // before the handler sends the second
      firstEventRead.countDown();
      assertThat(lines.readLine()).isEmpty();
      assertThat(lines.readLine()).isEqualTo("data: two");
    }
  }

  @Test
  void theFrontsOwnAnswersCarryTheDateOfTheInjectedClock() throws Exception {
    HttpResponse<String> first = post(client, uri("/v1/echo"), "{}");
    test.clock.advance(Duration.ofSeconds(61));
    HttpResponse<String> refused =
        client.send(
            request("/v1/echo")
                .setHeader("Authorization", "Bearer not-a-key")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    test.clock.advance(Duration.ofMillis(500));
    HttpResponse<String> stream =
        client.send(request("/v1/tick").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(first.headers().allValues("date")).containsExactly("Thu, 01 Jan 2026 00:00:00 GMT");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.headers().allValues("date"))
        .containsExactly("Thu, 01 Jan 2026 00:01:01 GMT");
    assertThat(stream.body()).isEqualTo("data: tick\n\n");
    assertThat(stream.headers().allValues("date")).containsExactly("Thu, 01 Jan 2026 00:01:01 GMT");
  }

  @Test
  void withTlsTheFrontServesDirectAndRelayedRoutesOverHttpsAndRefusesPlainHttp() throws Exception {
    server.stop();
    ServerConfig.Tls tls = TestServer.selfSigned(home);
    server =
        test.server(new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(5), tls), routes).start();
    HttpClient https = HttpClient.newBuilder().sslContext(TestServer.trusting(tls)).build();
    URI base = URI.create("https://localhost:" + server.port());

    HttpResponse<String> echo = post(https, base.resolve("/v1/echo"), "{\"over\":\"tls\"}");
    HttpResponse<String> relayed =
        post(https, base.resolve("/api/v1/front/echo"), "relayed over tls");
    HttpResponse<String> secure =
        https.send(
            request(base.resolve("/api/v1/front/secure")).build(),
            HttpResponse.BodyHandlers.ofString());
    String plain;
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              bytes(
                  "GET /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n\r\n"));
      plain = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(server.fronted()).isTrue();
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(echo.body()).isEqualTo("{\"over\":\"tls\"}");
    assertThat(echo.sslSession()).isPresent();
    assertThat(echo.headers().firstValue("x-frame-options")).contains("DENY");
    assertThat(relayed.statusCode()).isEqualTo(200);
    assertThat(relayed.body()).isEqualTo("relayed over tls");
    assertThat(secure.body())
        .as("Jetty sees the relayed request as secure")
        .isEqualTo("https true");
    assertThat(plain).startsWith("HTTP/1.1 400 ");
    assertThat(plain).contains("\"code\":\"https_required\"").contains("use https://");
    assertThat(plain).doesNotContain("\"over\"");
  }

  @Test
  void pipelinedRequestsOnOneConnectionAreAnsweredInOrderOnBothPaths() throws Exception {
    String auth = "Host: x\r\nAuthorization: Bearer " + key + "\r\n";
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              bytes(
                  "POST /v1/echo HTTP/1.1\r\n"
                      + auth
                      + "Content-Length: 5\r\n\r\nfirst"
                      + "GET /api/v1/front/address HTTP/1.1\r\n"
                      + auth
                      + "\r\n"
                      + "POST /api/v1/front/echo HTTP/1.1\r\n"
                      + auth
                      + "Content-Length: 6\r\n\r\nsecond"
                      + "POST /v1/echo HTTP/1.1\r\n"
                      + auth
                      + "Connection: close\r\nContent-Length: 5\r\n\r\nthird"));
      String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answers.split("HTTP/1.1 200 ", -1)).hasSize(5);
      assertThat(answers)
          .containsSubsequence("\r\n\r\nfirst", "127.0.0.1", "second", "\r\n\r\nthird");
    }
  }

  @Test
  void aDeclaredBodyOverTheLimitIs413WithTheApiErrorBodyAndNothingRead() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket
          .getOutputStream()
          .write(
              bytes(
                  "POST /v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + key
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + (64L << 20)
                      + "\r\n\r\n{"));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 413 ");
      assertThat(answer).contains("connection: close").contains("\"code\":\"request_too_large\"");
    }
  }

  @Test
  void stopLetsADirectRequestInFlightFinishAndRefusesNewConnections() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(request("/v1/slow").build(), HttpResponse.BodyHandlers.ofString());
    slowEntered.await();
    CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(server::stop);

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::connectionRefused);
    slowRelease.countDown();

    assertThat(inFlight.get().statusCode()).isEqualTo(200);
    assertThat(inFlight.get().body()).isEqualTo("finished");
    assertThat(stopped.get()).as("requests left unfinished").isZero();
  }

  @Test
  void stopCountsADirectRequestStillInFlightWhenTheGracePeriodEnds() throws Exception {
    server.stop();
    server = test.server(Duration.ZERO, routes).start();
    CompletableFuture<HttpResponse<String>> inFlight =
        client.sendAsync(request("/v1/slow").build(), HttpResponse.BodyHandlers.ofString());
    slowEntered.await();

    assertThat(server.stop()).as("requests left unfinished").isEqualTo(1);
    slowRelease.countDown();
    assertThat(inFlight).failsWithin(Duration.ofSeconds(10));
  }

  private boolean connectionRefused() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void aDirectStreamWaitsWhileTheClientReadsNothingAndThenSendsEverything() throws Exception {
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 << 10);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      socket
          .getOutputStream()
          .write(
              bytes(
                  "GET /v1/flood HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                      + key
                      + "\r\nConnection: close\r\n\r\n"));

      // The handler's virtual thread parks in a write, far from the end, while nothing is read.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  streamer.get() != null
                      && streamer.get().getState() == Thread.State.TIMED_WAITING
                      && streamedSoFar.get() > 0);
      assertThat(streamedSoFar.get()).isLessThan(STREAMED / 2);
      assertThat(streamEnded).isNotDone();

      long received = 0;
      try (InputStream in = socket.getInputStream()) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          received += n;
        }
      }
      assertThat(streamEnded.get()).as("the stream ended normally").isTrue();
      assertThat(received).isGreaterThan(STREAMED); // the body, its chunk sizes and the head
    }
  }
}
