package io.nxs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.auth.ApiKeyStore;
import io.nxs.core.auth.AuthFailureLimiter;
import io.nxs.core.auth.Scope;
import io.nxs.core.ext.Extensions;
import io.nxs.core.http.HttpServer;
import io.nxs.core.http.ServerConfig;
import io.nxs.core.metrics.Metrics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/audit} on a real server on loopback, behind the real key gate. */
class AuditRoutesTest {

  private final AuditFixture f = new AuditFixture();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;
  private String readKey;

  @BeforeEach
  void start() {
    f.store.migrate("core");
    ApiKeyStore keys = new ApiKeyStore(f.store, f.log, f.clock);
    readKey = keys.create(Scope.READ, "dashboard", null, "test").secret();
    server =
        new HttpServer(
                new ServerConfig("127.0.0.1", 0, Duration.ofSeconds(1)),
                keys,
                new AuthFailureLimiter(f.clock),
                f.log,
                Metrics.prometheus(),
                new Extensions().readinessChecks(),
                List.of(new AuditRoutes(f.log)))
            .start();
    f.log.append(
        new AuditEvent(
            "security.lockout", Severity.HIGH, "gate", "10.0.0.9", Map.of("failures", 6)));
    f.clock.advance(Duration.ofHours(2));
    f.log.append(new AuditEvent("provider.failover", Severity.INFO, "gateway", "ollama", Map.of()));
  }

  @AfterEach
  void stop() {
    server.stop();
    f.close();
  }

  @Test
  void aReadKeyListsFilteredEntriesInTheSeedShape() throws Exception {
    HttpResponse<String> r = get("?since=24h&type=" + enc("security.*"), readKey);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Json.mapper().readTree(r.body());
    assertThat(body.get("count").asInt()).isEqualTo(1);
    JsonNode e = body.at("/entries/0");
    assertThat(e.get("event_type").asText()).isEqualTo("security.lockout");
    assertThat(e.get("severity").asText()).isEqualTo("high");
    assertThat(e.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(e.at("/details/failures").asInt()).isEqualTo(6);
    assertThat(e.get("prev_hash").asText()).hasSize(64);
    assertThat(e.get("signature").asText()).isNotBlank();
  }

  @Test
  void withoutFiltersTheNewestEntriesComeBackUpToTheLimit() throws Exception {
    HttpResponse<String> r = get("?limit=1", readKey);

    JsonNode body = Json.mapper().readTree(r.body());
    assertThat(body.get("count").asInt()).isEqualTo(1);
    assertThat(body.at("/entries/0/event_type").asText()).isEqualTo("provider.failover");
  }

  @Test
  void aBadParameterIsA400InTheOpenAiErrorShape() throws Exception {
    HttpResponse<String> r = get("?since=yesterday", readKey);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Json.mapper().readTree(r.body()).at("/error/message").asText())
        .startsWith("since must be")
        .contains("'yesterday'");
  }

  @Test
  void withoutAKeyItIs401() throws Exception {
    assertThat(get("", null).statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> get(String query, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + AuditRoutes.PATH + query));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
