package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.cli.CliRunner;
import io.nxs.core.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Doctor's routes on the real daemon: scopes, shapes, and its figures in /metrics. */
class DoctorRoutesTest {

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> send(Daemon d, String method, String path, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
            .method(
                method,
                method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("{}")
                    : HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routesAnswerWithTheirShapesAndAdminRoutesRefuseReadKeys() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: 0"));
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      String admin = Files.readString(home.adminKey()).strip();
      Files.writeString(
          home.config(), Files.readString(home.config()).replace("port: 0", "port: " + d.port()));
      String read =
          new CliRunner(home.dir())
              .run("key", "create", "--scope", "read", "--name", "viewer")
              .out()
              .lines()
              .findFirst()
              .orElseThrow()
              .strip();

      JsonNode rules = Json.mapper().readTree(send(d, "GET", "/api/v1/doctor/rules", admin).body());
      JsonNode kpis = Json.mapper().readTree(send(d, "GET", "/api/v1/kpis", admin).body());
      JsonNode health = Json.mapper().readTree(send(d, "GET", "/api/v1/health", admin).body());
      HttpResponse<String> unknownAck = send(d, "POST", "/api/v1/alerts/A999/ack", admin);
      HttpResponse<String> unknownApprove = send(d, "POST", "/api/v1/healing/H999/approve", admin);
      HttpResponse<String> anonymous = send(d, "GET", "/api/v1/alerts", null);
      String metrics = send(d, "GET", "/metrics", null).body();

      // The Doctor's built-ins and the rules the modules ship (RuleSource), none rejected.
      assertThat(rules.path("count").asInt()).isEqualTo(rules.path("rules").size());
      assertThat(rules.path("rejected")).isEmpty();
      assertThat(rules.path("rules").findValuesAsText("id"))
          .contains(
              "service-down",
              "provider-failing",
              "backup-stale",
              "sync-latency-high",
              "score-drift");
      assertThat(kpis.has("uptime_percent")).isTrue();
      assertThat(kpis.path("targets").path("recovery_time_seconds").asText()).isEqualTo("< 30");
      assertThat(health.has("score")).isTrue();
      assertThat(unknownAck.statusCode()).isEqualTo(404);
      assertThat(unknownAck.body()).contains("no open alert 'A999'");
      assertThat(unknownApprove.statusCode()).isEqualTo(404);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(metrics).contains("nxs_doctor_health_score").contains("nxs_doctor_kpi");
      assertThat(send(d, "GET", "/api/v1/alerts", read).statusCode()).isEqualTo(200);
      assertThat(send(d, "POST", "/api/v1/alerts/A1/ack", read).statusCode()).isEqualTo(403);
      assertThat(send(d, "POST", "/api/v1/healing/H1/approve", read).statusCode()).isEqualTo(403);
    }
  }
}
