package io.nxs.doctor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.nxs.core.Json;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.NotifyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static DoctorConfig notifying(String webhook, String alertmanager) {
    return new DoctorConfig(
        null,
        TEN_S,
        null,
        null,
        Map.of("api", List.of("nxs"), "nxs", List.of("disk", "network")),
        null,
        null,
        null,
        new NotifyConfig(webhook, alertmanager, Duration.ofHours(1), null),
        null,
        null);
  }

  /** Seed 001 §5's cascade: three alerts that form one incident. */
  private static void cascade(DoctorFixture fx) {
    fx.synthetic.set("disk.usage_percent", Map.of("mount", "/"), 98);
    fx.tick(TEN_S);
    fx.tick(TEN_S);
    fx.synthetic.set("healing.restart_failed", Map.of("service", "nxs"), 1);
    fx.tick(TEN_S);
    fx.synthetic.set("api.error_rate", 25);
    fx.run(Duration.ofSeconds(80), TEN_S);
  }

  @Test
  void alertmanagerReceivesOneGroupedAlertForTheIncidentWithItsLabels() throws Exception {
    try (Alertmanager am = Alertmanager.start(dir);
        DoctorFixture fx = new DoctorFixture(notifying(null, am.url()))) {
      // Alertmanager judges startsAt/endsAt by its own wall clock: start the test clock there
      fx.clock.set(java.time.Instant.now());
      cascade(fx);
      String incident = fx.doctor.openIncidents().getFirst().id();

      await().atMost(Duration.ofSeconds(20)).until(() -> am.get("/api/v2/alerts").size() == 1);
      JsonNode alerts = am.get("/api/v2/alerts");
      JsonNode groups = am.get("/api/v2/alerts/groups");

      assertThat(alerts).hasSize(1);
      JsonNode a = alerts.get(0);
      assertThat(a.path("labels").path("alertname").asText()).isEqualTo("NxsIncident");
      assertThat(a.path("labels").path("incident").asText()).isEqualTo(incident);
      assertThat(a.path("labels").path("severity").asText()).isEqualTo("critical");
      assertThat(a.path("annotations").path("root_cause").asText())
          .isEqualTo("disk-space-critical");
      assertThat(a.path("annotations").path("alerts").asText().split(",")).hasSize(3);
      assertThat(a.path("status").path("state").asText()).isEqualTo("active");
      assertThat(groups).hasSize(1);
      assertThat(groups.get(0).path("alerts")).hasSize(1);
    }
  }

  @Test
  void theWebhookGetsOneMessagePerIncidentARepeatAndAResolve() throws IOException {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        ex -> {
          received.add(
              Json.mapper()
                  .readTree(
                      new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    try (DoctorFixture fx =
        new DoctorFixture(
            notifying("http://127.0.0.1:" + server.getAddress().getPort() + "/hook", null))) {
      cascade(fx);
      assertThat(received).as("three alerts, one incident, one message").hasSize(1);
      assertThat(received.getFirst().path("status").asText()).isEqualTo("firing");
      assertThat(received.getFirst().path("text").asText())
          .contains("Root Cause: disk-space-critical (/)");

      fx.run(Duration.ofMinutes(60), Duration.ofMinutes(1));
      assertThat(received).hasSize(2);

      fx.synthetic
          .set("disk.usage_percent", Map.of("mount", "/"), 50)
          .set("healing.restart_failed", Map.of("service", "nxs"), 0)
          .set("api.error_rate", 0);
      fx.tick(TEN_S);
      assertThat(received).hasSize(3);
      assertThat(received.getLast().path("status").asText()).isEqualTo("resolved");
    } finally {
      server.stop(0);
    }
  }
}
