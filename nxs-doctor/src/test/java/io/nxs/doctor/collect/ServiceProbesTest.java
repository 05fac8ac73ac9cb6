package io.nxs.doctor.collect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.nxs.core.ext.MetricSource.Sample;
import io.nxs.doctor.config.ServiceConfig;
import io.nxs.testkit.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceProbesTest {

  private HttpServer server;
  private volatile int status = 200;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/health",
        ex -> {
          byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  private static ServiceConfig service(
      String name, String http, String tcp, String command, String process) {
    return new ServiceConfig(
        name, http, tcp, command, process, null, null, null, Duration.ofSeconds(2));
  }

  private static double value(List<Sample> samples, String metric, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.metric().equals(metric) && s.labels().equals(labels))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric))
        .value();
  }

  @Test
  void eachKindOfProbeReportsUpDownLatencyAndConsecutiveFailures() throws IOException {
    String url = startServer();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    MutableClock clock = MutableClock.startingAt2026();
    ServiceProbes probes =
        new ServiceProbes(
            List.of(
                service("api", url, null, null, null),
                service("db", null, "127.0.0.1:" + closedPort, null, null),
                service("check", null, null, "exit 0", null),
                service("java", null, null, null, "java")),
            clock);

    List<Sample> first = probes.collect();
    status = 503;
    clock.advance(Duration.ofSeconds(60));
    List<Sample> second = probes.collect();

    assertThat(value(first, "service.api.up", Map.of())).isEqualTo(1);
    assertThat(value(first, "service.api.latency_ms", Map.of())).isPositive();
    assertThat(value(first, "service.db.up", Map.of())).isZero();
    assertThat(value(first, "service.check.up", Map.of())).isEqualTo(1);
    assertThat(value(first, "service.java.up", Map.of())).isEqualTo(1);
    assertThat(value(second, "service.api.up", Map.of())).isZero();
    assertThat(value(second, "service.api.last_success", Map.of())).isEqualTo(60);
    assertThat(value(second, "service.consecutive_failures", Map.of("service", "api")))
        .isEqualTo(1);
    assertThat(value(second, "service.consecutive_failures", Map.of("service", "db"))).isEqualTo(2);
    assertThat(probes.last("api").detail()).isEqualTo("HTTP 503");
  }

  @Test
  void aBodyMatchMustBeFound() throws IOException {
    String url = startServer();
    ServiceProbes probes =
        new ServiceProbes(
            List.of(
                new ServiceConfig(
                    "ok", url, null, null, null, null, null, "\"status\":\"ok\"", null),
                new ServiceConfig("nope", url, null, null, null, null, null, "degraded", null)),
            MutableClock.startingAt2026());

    List<Sample> samples = probes.collect();

    assertThat(value(samples, "service.ok.up", Map.of())).isEqualTo(1);
    assertThat(value(samples, "service.nope.up", Map.of())).isZero();
    assertThat(probes.last("nope").detail()).contains("body does not match");
  }

  @Test
  void aFailingCommandProbeIsDown() {
    ServiceProbes probes =
        new ServiceProbes(
            List.of(service("check", null, null, "echo broken; exit 3", null)),
            MutableClock.startingAt2026());

    List<Sample> samples = probes.collect();

    assertThat(value(samples, "service.check.up", Map.of())).isZero();
    assertThat(probes.last("check").detail()).isEqualTo("exit 3: broken");
  }
}
