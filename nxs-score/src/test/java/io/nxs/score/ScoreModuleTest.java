package io.nxs.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.audit.AuditLog;
import io.nxs.core.Json;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.config.NxsConfig;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.Extensions;
import io.nxs.core.ext.MetricSource;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.state.StateStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The module in a real HTTP server on loopback, with a real key store and audit log. */
class ScoreModuleTest {

  private final TempHome home = TempHome.create();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Extensions extensions = new Extensions();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient client = HttpClient.newHttpClient();
  private StateStore store;
  private AuditLog audit;
  private ScoreModule module;
  private HttpServer http;
  private String reader;

  @BeforeEach
  void start() {
    store = StateStore.open(home.resolve("state.db"));
    store.migrate("core");
    audit = AuditLog.open(store, home.resolve("keys"), clock);
    PrometheusMeterRegistry metrics = Metrics.prometheus();
    module = new ScoreModule();
    module.start(
        new ModuleContext(
            home.path(),
            new NxsConfig("test", Map.of("score", ScoreConfig.defaults())),
            store,
            audit,
            new EventBus(),
            metrics,
            extensions,
            clock,
            scheduler));
    ApiKeyStore keys = new ApiKeyStore(store, audit, clock);
    reader = keys.create(Scope.READ, "agent", null, "test").secret();
    http =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(2)),
                keys,
                new AuthFailureLimiter(clock),
                audit,
                metrics,
                extensions.readinessChecks(),
                module.routes())
            .start();
  }

  @AfterEach
  void stop() {
    client.close();
    http.stop();
    module.close();
    scheduler.shutdownNow();
    audit.close();
    home.close();
  }

  @Test
  void scoresUploadsLooksThemUpAndTakesFeedback() throws Exception {
    HttpResponse<String> r =
        post("/api/v1/score?file=clean.png", Goldens.read("scene-clean.png"), "image/png");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode s = Json.mapper().readTree(r.body());
    assertThat(s.path("status").asText()).isEqualTo("scored");
    assertThat(s.path("kind").asText()).isEqualTo("image");
    assertThat(s.path("file").asText()).isEqualTo("clean.png");
    assertThat(s.path("quality").path("value").asDouble()).isBetween(0.0, 100.0);
    assertThat(s.path("dimensions").path("brisque").has("uncertainty")).isTrue();
    assertThat(s.path("scorer").path("name").asText()).isEqualTo("builtin-image");
    String id = s.path("id").asText();

    JsonNode again = Json.mapper().readTree(get("/api/v1/score/" + id).body());
    assertThat(again.path("quality").path("value").asDouble())
        .isEqualTo(s.path("quality").path("value").asDouble());
    assertThat(get("/api/v1/score/sc-nothere").statusCode()).isEqualTo(404);

    HttpResponse<String> fb =
        send(
            HttpRequest.newBuilder(uri("/api/v1/score/" + id + "/feedback"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"verdict\":\"kept\"}")));
    assertThat(fb.statusCode()).as(fb.body()).isEqualTo(200);
    HttpResponse<String> bad =
        send(
            HttpRequest.newBuilder(uri("/api/v1/score/" + id + "/feedback"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"verdict\":\"meh\"}")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("up, down, kept or deleted");
  }

  @Test
  void eachKindsGoldenCheckWaitsForItsFirstScoreEvenOnceTheDaemonServes() throws Exception {
    module.serving();
    assertThat(scoreReadiness().path("ready").asBoolean()).isTrue();
    assertThat(scoreReadiness().path("detail").asText())
        .isEqualTo("checked against their goldens at the first score: image, audio");

    HttpResponse<String> image =
        post("/api/v1/score?file=clean.png", Goldens.read("scene-clean.png"), "image/png");

    assertThat(Json.mapper().readTree(image.body()).path("status").asText()).isEqualTo("scored");
    assertThat(scoreReadiness().path("detail").asText())
        .isEqualTo("checked against their goldens at the first score: audio");

    HttpResponse<String> voice =
        post("/api/v1/score?file=speech.wav", Goldens.read("speech-clean.wav"), "audio/wav");

    assertThat(Json.mapper().readTree(voice.body()).path("status").asText()).isEqualTo("scored");
    assertThat(scoreReadiness().path("ready").asBoolean()).isTrue();
    assertThat(scoreReadiness().path("detail").asText()).isEqualTo("ok");
  }

  private JsonNode scoreReadiness() throws Exception {
    return Json.mapper().readTree(get("/readyz").body()).path("modules").path("score");
  }

  @Test
  void everyMalformedUploadIsRejectedAndTheServerStaysHealthy() throws Exception {
    for (var c : BadInput.cases().entrySet()) {
      HttpResponse<String> r =
          post("/api/v1/score?file=" + c.getKey(), (byte[]) c.getValue()[0], null);
      assertThat(r.statusCode()).as(c.getKey() + " " + r.body()).isEqualTo(200);
      JsonNode s = Json.mapper().readTree(r.body());
      assertThat(s.path("status").asText()).as(c.getKey()).isEqualTo("rejected");
      assertThat(s.path("reason").asText()).isNotBlank();
      assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
  }

  @Test
  void registersItsDoctorRulesAndFigures() {
    assertThat(extensions.ruleSources().find("score")).isPresent();
    assertThat(extensions.ruleSources().find("score").get().rulesYaml()).contains("score-drift");
    MetricSource source = extensions.metricSources().find("score").orElseThrow();
    assertThat(source.collect())
        .extracting(MetricSource.Sample::metric)
        .contains("score.review_queue");
  }

  private HttpResponse<String> post(String path, byte[] body, String type) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return send(b);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(
        b.header("Authorization", "Bearer " + reader).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.port() + path);
  }
}
