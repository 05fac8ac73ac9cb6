package io.nxs.doctor.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.nxs.core.Json;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.NotifyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The gateway's and vault's figures become alerts that join the host's in incidents with a root
 * cause, and reach the operator once, grouped, through the same notifier.
 */
class ModuleAlertsCorrelationTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);
  private static final Map<String, String> TARGET = Map.of("target", "api.moonshot.ai:443");
  private static final Map<String, String> KIMI = Map.of("provider", "kimi-primary");

  @Test
  void theNetworkDownExplainsTheAirGapAndTheOpenBreakerInOneNotifiedIncident() throws IOException {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/hook",
        ex -> {
          received.add(
              Json.mapper()
                  .readTree(
                      new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    hook.start();
    DoctorConfig config =
        new DoctorConfig(
            null,
            TEN_S,
            null,
            null,
            null,
            null,
            null,
            null,
            new NotifyConfig(
                "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook",
                null,
                Duration.ofHours(1),
                null),
            null,
            null);
    try (DoctorFixture fx = new DoctorFixture(config)) {
      fx.synthetic.set("network.reachable", TARGET, 1);
      fx.synthetic.set("provider.breaker_open", KIMI, 0);
      fx.synthetic.set("provider.error_rate", KIMI, 0);
      fx.synthetic.set("gateway.air_gapped", 0);
      fx.tick(TEN_S);

      fx.synthetic.set("network.reachable", TARGET, 0); // the uplink goes down
      fx.tick(TEN_S);
      fx.synthetic.set("provider.breaker_open", KIMI, 1); // the remote provider's breaker opens
      fx.synthetic.set("provider.error_rate", KIMI, 1);
      fx.tick(TEN_S);
      fx.synthetic.set("gateway.air_gapped", 1); // the gateway falls back to local models
      fx.run(Duration.ofMinutes(2), TEN_S);

      assertThat(fx.doctor.openIncidents()).hasSize(1);
      Incident i = fx.doctor.openIncidents().getFirst();
      assertThat(i.rootCause().ruleId()).isEqualTo("network-unreachable");
      assertThat(i.related())
          .extracting(Incident.Member::ruleId)
          .containsExactlyInAnyOrder("provider-breaker-open", "gateway-air-gapped");
      assertThat(received).as("one incident, one message").hasSize(1);
      assertThat(received.getFirst().path("text").asText())
          .contains("Root Cause: network-unreachable (api.moonshot.ai:443)");
    } finally {
      hook.stop(0);
    }
  }

  @Test
  void aFullDiskExplainsAFailedBackup() {
    try (DoctorFixture fx = new DoctorFixture()) {
      fx.synthetic.set("vault.last_backup_failed", 0);
      fx.synthetic.set("vault.last_verify_failed", 0);
      fx.tick(TEN_S);
      fx.synthetic.set("disk.usage_percent", Map.of("mount", "/"), 99);
      fx.tick(TEN_S);
      fx.synthetic.set("vault.last_backup_failed", 1);
      fx.run(Duration.ofSeconds(70), TEN_S);

      assertThat(fx.doctor.openIncidents()).hasSize(1);
      Incident i = fx.doctor.openIncidents().getFirst();
      assertThat(i.rootCause().ruleId()).isEqualTo("disk-space-critical");
      assertThat(i.related()).extracting(Incident.Member::ruleId).containsExactly("backup-failed");
    }
  }
}
