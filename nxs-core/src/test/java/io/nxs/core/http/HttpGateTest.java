package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.StepClock;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.CreatedKey;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.ext.Registry;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.state.StateStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP gate over real loopback HTTP: auth, scopes, expiry, lockout, headers, probes. */
class HttpGateTest {

  @TempDir Path home;

  private final StepClock clock = new StepClock();
  // Core cannot depend on the audit module; the port is recorded here and the daemon tests
  // (nxs-app) check the same events land in the real, signed audit log.
  private final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
  private final AtomicBoolean moduleReady = new AtomicBoolean(true);
  private final java.util.concurrent.CountDownLatch slowEntered =
      new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.CountDownLatch slowRelease =
      new java.util.concurrent.CountDownLatch(1);
  private final HttpClient client = HttpClient.newHttpClient();
  private ApiKeyStore keys;
  private HttpServer server;

  @BeforeEach
  void start() {
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    keys =
        new ApiKeyStore(
            store,
            e -> {
              audited.add(e);
              return audited.size();
            },
            clock);
    Registry<ReadinessCheck> readiness = new Registry<>("readiness check", ReadinessCheck::name);
    readiness.register(
        new ReadinessCheck() {
          @Override
          public String name() {
            return "sample";
          }

          @Override
          public Readiness check() {
            return new Readiness(moduleReady.get(), moduleReady.get() ? "ok" : "warming up");
          }
        });
    HttpRoutes routes =
        r -> {
          r.get("/api/v1/thing", ctx -> ctx.result("read ok"));
          r.post("/api/v1/thing", ctx -> ctx.result("admin ok"), Scope.ADMIN);
          r.get(
              "/slow",
              ctx -> {
                slowEntered.countDown();
                slowRelease.await();
                ctx.result("finished");
              });
        };
    server =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(2)),
                keys,
                new AuthFailureLimiter(clock),
                e -> {
                  audited.add(e);
                  return audited.size();
                },
                Metrics.prometheus(),
                readiness,
                List.of(routes))
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String key) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void probesArePublicAndCarrySecurityHeaders() throws Exception {
    HttpResponse<String> health = get("/healthz", null);

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(health.headers().firstValue("X-Frame-Options")).contains("DENY");
    assertThat(health.headers().firstValue("Content-Security-Policy")).isPresent();
  }

  @Test
  void readinessIs503UntilEveryModuleIsReady() throws Exception {
    moduleReady.set(false);
    HttpResponse<String> notReady = get("/readyz", null);
    moduleReady.set(true);
    HttpResponse<String> ready = get("/readyz", null);

    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).contains("\"sample\"").contains("warming up");
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  @Test
  void metricsArePrometheusTextWithHttpFigures() throws Exception {
    get("/healthz", null);
    HttpResponse<String> metrics = get("/metrics", null);

    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("jvm_memory_used_bytes")
        .contains("process_uptime_seconds")
        .contains("http_server_requests_seconds_count");
  }

  @Test
  void requestTimersAreLabelledWithTheRouteThatServedThem() throws Exception {
    get("/healthz", null);
    get("/no/such/route", null);

    String metrics = get("/metrics", null).body();

    assertThat(metrics)
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*route=\"/healthz\"[^}]*status=\"200\"")
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*route=\"unmatched\"[^}]*status=\"404\"")
        .doesNotContain("route=\"*\"");
  }

  @Test
  void apiWithoutKeyIs401InTheOpenAiErrorShape() throws Exception {
    HttpResponse<String> r = get("/api/v1/thing", null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body())
        .contains("\"error\"")
        .contains("\"code\":\"missing_api_key\"")
        .contains("\"param\":null");
  }

  @Test
  void readKeyReadsButCannotChange() throws Exception {
    CreatedKey read = keys.create(Scope.READ, "viewer", null, "test");

    assertThat(get("/api/v1/thing", read.secret()).body()).isEqualTo("read ok");
    HttpResponse<String> change = post("/api/v1/thing", read.secret());
    assertThat(change.statusCode()).isEqualTo(403);
    assertThat(change.body()).contains("insufficient_scope");
  }

  @Test
  void adminKeyMayChange() throws Exception {
    CreatedKey admin = keys.create(Scope.ADMIN, "ops", Duration.ofDays(7), "test");

    assertThat(post("/api/v1/thing", admin.secret()).body()).isEqualTo("admin ok");
  }

  @Test
  void expiredKeyIsRefused() throws Exception {
    CreatedKey admin = keys.create(Scope.ADMIN, "ops", Duration.ofDays(7), "test");
    clock.advance(Duration.ofDays(7));

    assertThat(get("/api/v1/thing", admin.secret()).statusCode()).isEqualTo(401);
  }

  @Test
  void revokedKeyIsRefusedAtOnce() throws Exception {
    CreatedKey read = keys.create(Scope.READ, "viewer", null, "test");
    assertThat(get("/api/v1/thing", read.secret()).statusCode()).isEqualTo(200);

    keys.revoke(read.key().id(), "test");

    assertThat(get("/api/v1/thing", read.secret()).statusCode()).isEqualTo(401);
    assertThat(audited).extracting(AuditEvent::type).contains("admin.key_revoke");
  }

  @Test
  void sixthBadKeyFromOneAddressIsLockedOutWithRetryAfterAndAudited() throws Exception {
    CreatedKey good = keys.create(Scope.READ, "viewer", null, "test");
    for (int i = 0; i < 5; i++) {
      assertThat(get("/api/v1/thing", "nxs_wrong_" + i).statusCode()).isEqualTo(401);
    }

    HttpResponse<String> locked = get("/api/v1/thing", good.secret());

    assertThat(locked.statusCode()).isEqualTo(429);
    assertThat(locked.headers().firstValue("Retry-After"))
        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 900L));
    assertThat(audited).filteredOn(e -> e.type().equals("security.auth_failure")).hasSize(5);
    assertThat(audited).filteredOn(e -> e.type().equals("security.lockout")).hasSize(1);

    clock.advance(Duration.ofMinutes(15));
    assertThat(get("/api/v1/thing", good.secret()).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownRouteIsJson404() throws Exception {
    CreatedKey read = keys.create(Scope.READ, "viewer", null, "test");

    HttpResponse<String> r = get("/api/v1/nothing-here", read.secret());

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("\"type\":\"invalid_request_error\"");
  }

  @Test
  void keysAreStoredOnlyAsHashes() throws Exception {
    CreatedKey read = keys.create(Scope.READ, "viewer", null, "test");

    byte[] db = java.nio.file.Files.readAllBytes(home.resolve("state.db"));
    byte[] wal =
        java.nio.file.Files.exists(home.resolve("state.db-wal"))
            ? java.nio.file.Files.readAllBytes(home.resolve("state.db-wal"))
            : new byte[0];
    String all =
        new String(db, java.nio.charset.StandardCharsets.ISO_8859_1)
            + new String(wal, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(all).doesNotContain(read.secret());
    assertThat(read.toString()).doesNotContain(read.secret());
  }

  @Test
  void stopLetsInFlightRequestsFinishAndRefusesNewOnes() throws Exception {
    var inFlight =
        client.sendAsync(
            HttpRequest.newBuilder(uri("/slow")).build(), HttpResponse.BodyHandlers.ofString());
    slowEntered.await();
    var stopped = java.util.concurrent.CompletableFuture.supplyAsync(server::stop);

    // New connections are refused while the slow request is still running.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(this::connectionRefused);
    slowRelease.countDown();

    assertThat(inFlight.get().statusCode()).isEqualTo(200);
    assertThat(inFlight.get().body()).isEqualTo("finished");
    assertThat(stopped.get()).as("requests left unfinished").isZero();
  }

  private boolean connectionRefused() {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 1000);
      return false;
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
