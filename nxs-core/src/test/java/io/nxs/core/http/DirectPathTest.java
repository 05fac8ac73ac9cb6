package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct path answers exactly as the routing layer does: the same routes registered on both
 * ({@code /api/v1/routed/*} on Javalin, {@code /api/v1/direct/*} direct) give the same statuses,
 * bodies and headers for every refusal and failure.
 */
class DirectPathTest {

  private static final List<String> COMPARED_HEADERS =
      List.of(
          "content-type",
          "www-authenticate",
          "retry-after",
          "x-content-type-options",
          "x-frame-options",
          "referrer-policy",
          "content-security-policy",
          "cache-control",
          "x-trail");

  @TempDir Path home;

  private final HttpClient client = HttpClient.newHttpClient();
  private TestServer test;
  private HttpServer server;

  @BeforeEach
  void start() {
    test = new TestServer(home);
    HttpRoutes routes =
        new HttpRoutes() {
          @Override
          public void addTo(io.javalin.config.RoutesConfig r) {
            r.get("/api/v1/routed/read", ctx -> ctx.contentType("text/plain").result("read ok"));
            r.post("/api/v1/routed/admin", ctx -> ctx.result("admin ok"), Scope.ADMIN);
            r.get("/api/v1/routed/refuse", ctx -> refuse(ctx::header), Scope.READ);
            r.get("/api/v1/routed/boom", ctx -> boom(), Scope.READ);
          }

          @Override
          public void addDirect(DirectRoutes r) {
            r.get(
                "/api/v1/direct/read",
                Scope.READ,
                ex -> ex.respond(200, "text/plain", bytes("read ok")));
            r.post(
                "/api/v1/direct/admin",
                Scope.ADMIN,
                ex -> ex.respond(200, "text/plain", bytes("admin ok")));
            r.get("/api/v1/direct/refuse", Scope.READ, ex -> refuse(ex::header));
            r.get("/api/v1/direct/boom", Scope.READ, ex -> boom());
            r.post(
                "/api/v1/direct/echo",
                Scope.READ,
                ex -> ex.respond(200, "application/octet-stream", ex.body()));
            r.get(
                "/api/v1/direct/stream",
                Scope.READ,
                ex -> {
                  OutputStream out = ex.stream(200, "text/event-stream");
                  for (int i = 0; i < 3; i++) {
                    out.write(bytes("data: " + i + "\n\n"));
                    out.flush();
                  }
                });
          }
        };
    server = onItsPort(test.server(Duration.ofSeconds(2), routes)).start();
  }

  /** The server as this test runs it: with the Netty front where it can run. */
  HttpServer onItsPort(HttpServer server) {
    return server;
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private static void refuse(java.util.function.BiConsumer<String, String> header) {
    header.accept("x-trail", "one");
    throw new ApiException(
        429, "rate_limit_error", "slow_down", "slow down", Map.of("Retry-After", "7"));
  }

  private static void boom() {
    throw new IllegalStateException("broken on purpose");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> send(String method, String path, String key, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The same request on both paths answers with the same status, body and headers. */
  private void sameOnBothPaths(String method, String route, String key) throws Exception {
    HttpResponse<String> routed = send(method, "/api/v1/routed/" + route, key, null);
    HttpResponse<String> direct = send(method, "/api/v1/direct/" + route, key, null);

    assertThat(direct.statusCode()).as("status of %s", route).isEqualTo(routed.statusCode());
    assertThat(direct.body().replace("/direct/", "/routed/"))
        .as("body of %s", route)
        .isEqualTo(routed.body());
    for (String h : COMPARED_HEADERS) {
      assertThat(direct.headers().allValues(h))
          .as("header %s of %s", h, route)
          .isEqualTo(routed.headers().allValues(h));
    }
  }

  @Test
  void refusalsAndFailuresAnswerAsOnTheRoutingLayer() throws Exception {
    CreatedKey read = test.keys.create(Scope.READ, "viewer", null, "test");
    CreatedKey admin = test.keys.create(Scope.ADMIN, "ops", null, "test");

    sameOnBothPaths("GET", "read", null); // 401 missing key
    sameOnBothPaths("GET", "read", "nxs_not_a_key"); // 401 invalid key
    sameOnBothPaths("POST", "admin", read.secret()); // 403 scope
    sameOnBothPaths("GET", "refuse", read.secret()); // a handler's ApiException and headers
    sameOnBothPaths("GET", "boom", read.secret()); // 500 without the exception's text
    sameOnBothPaths("DELETE", "read", read.secret()); // no such route
    assertThat(send("POST", "/api/v1/direct/admin", admin.secret(), null).body())
        .isEqualTo("admin ok");
  }

  @Test
  void aDirectRouteReadsTheBodyAndStreams() throws Exception {
    CreatedKey read = test.keys.create(Scope.READ, "viewer", null, "test");

    HttpResponse<String> echo = send("POST", "/api/v1/direct/echo", read.secret(), "{\"x\":1}");
    HttpResponse<String> stream = send("GET", "/api/v1/direct/stream/", read.secret(), null);

    assertThat(echo.body()).isEqualTo("{\"x\":1}");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("content-type")).contains("text/event-stream");
    assertThat(stream.body()).isEqualTo("data: 0\n\ndata: 1\n\ndata: 2\n\n");
  }

  @Test
  void directRequestsAreTimedUnderTheirRoute() throws Exception {
    CreatedKey read = test.keys.create(Scope.READ, "viewer", null, "test");
    send("GET", "/api/v1/direct/read", read.secret(), null);
    send("GET", "/api/v1/direct/read", null, null);

    String metrics = send("GET", "/metrics", null, null).body();

    assertThat(metrics)
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*route=\"/api/v1/direct/read\"[^}]*status=\"200\"")
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*route=\"/api/v1/direct/read\"[^}]*status=\"401\"");
  }
}
