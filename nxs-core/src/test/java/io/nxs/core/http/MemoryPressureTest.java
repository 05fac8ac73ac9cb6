package io.nxs.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.auth.Scope;
import io.nxs.core.ext.MetricSource.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory-pressure gate on injected figures, and what the HTTP server refuses while it is shut.
 */
class MemoryPressureTest {

  private static final long MAX = 100;

  @TempDir Path home;

  private final AtomicInteger collections = new AtomicInteger();
  private final MemoryPressure gate = new MemoryPressure(0.80, 0.60, collections::incrementAndGet);

  @Test
  void onlyAnOldGenerationCollectionAboveTheHighWaterMarkClosesTheGate() {
    gate.afterCollection(false, 95, MAX);
    assertThat(gate.high()).as("a young collection's figure still holds old garbage").isFalse();

    gate.afterCollection(true, 79, MAX);
    assertThat(gate.high()).isFalse();

    gate.afterCollection(true, 80, MAX);
    assertThat(gate.high()).isTrue();
  }

  @Test
  void itOpensOnlyBelowTheLowWaterMarkAfterAnyCollection() {
    List<Boolean> changes = new ArrayList<>();
    gate.onChange(changes::add);
    gate.afterCollection(true, 90, MAX);

    gate.afterCollection(true, 70, MAX);
    assertThat(gate.high()).as("between the marks it stays shut").isTrue();

    gate.afterCollection(false, 60, MAX);
    assertThat(gate.high()).isFalse();
    assertThat(changes).containsExactly(true, false);
  }

  @Test
  void unknownHeapLimitsAreIgnored() {
    gate.afterCollection(true, 90, -1);
    gate.afterCollection(true, 90, 0);

    assertThat(gate.high()).isFalse();
  }

  @Test
  void whileShutItAsksForACollectionOnlyWhenNoneHappenedSinceTheLastCheck() {
    gate.recheck();
    assertThat(collections).as("an open gate never asks").hasValue(0);

    gate.afterCollection(true, 90, MAX);
    gate.recheck();
    assertThat(collections).as("no collection since it shut").hasValue(1);

    gate.afterCollection(false, 75, MAX);
    gate.recheck();
    assertThat(collections).as("the load is still collecting on its own").hasValue(1);
  }

  @Test
  void theDoctorSeesTheGateAndTheHeapFigure() {
    gate.afterCollection(true, 85, MAX);

    assertThat(gate.collect())
        .containsExactly(
            new Sample("nxs.memory_pressure", java.util.Map.of(), 1),
            new Sample("nxs.heap_after_gc_percent", java.util.Map.of(), 85.0));
    assertThat(gate.auditEvent(true).type()).isEqualTo("nxs.memory_pressure");
  }

  @Test
  void marksOutOfOrderAreRefused() {
    assertThatThrownBy(() -> new MemoryPressure(0.6, 0.8, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < low < high < 1");
  }

  @Test
  void whileShutModelRequestsAndHeavyRoutesGet503WithRetryAfterAndTheRestWorks() throws Exception {
    TestServer test = new TestServer(home);
    String key = test.key(Scope.ADMIN);
    HttpRoutes routes =
        new HttpRoutes() {
          @Override
          public void addTo(io.javalin.config.RoutesConfig r) {
            r.post(
                "/api/v1/upload",
                ctx -> ctx.result("stored"),
                Scope.READ,
                MemoryPressure.Load.HEAVY);
            r.get("/api/v1/status", ctx -> ctx.result("fine"), Scope.READ);
            r.post("/api/v1/keys", ctx -> ctx.result("created"), Scope.ADMIN);
          }

          @Override
          public void addDirect(DirectRoutes r) {
            r.post(
                "/v1/chat/completions",
                Scope.READ,
                ex -> ex.respond(200, "text/plain", "answered".getBytes(StandardCharsets.UTF_8)));
          }
        };
    HttpServer server = test.server(Duration.ofSeconds(2), routes).shedUnder(gate).start();
    try {
      gate.afterCollection(true, 90, MAX);

      HttpResponse<String> model = send(server, "POST", "/v1/chat/completions", key);
      assertThat(model.statusCode()).isEqualTo(503);
      assertThat(model.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(model.body()).contains("memory_pressure");
      assertThat(send(server, "POST", "/api/v1/upload", key).statusCode()).isEqualTo(503);
      assertThat(send(server, "GET", "/api/v1/status", key).body()).isEqualTo("fine");
      assertThat(send(server, "POST", "/api/v1/keys", key).body()).isEqualTo("created");
      assertThat(send(server, "GET", "/healthz", null).statusCode()).isEqualTo(200);
      assertThat(send(server, "POST", "/v1/chat/completions", null).statusCode())
          .as("a request without a key is refused for that first")
          .isEqualTo(401);

      gate.afterCollection(false, 40, MAX);

      assertThat(send(server, "POST", "/v1/chat/completions", key).body()).isEqualTo("answered");
      assertThat(send(server, "POST", "/api/v1/upload", key).body()).isEqualTo("stored");
    } finally {
      server.stop();
    }
  }

  private static HttpResponse<String> send(
      HttpServer server, String method, String path, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.ofString("{}"));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
