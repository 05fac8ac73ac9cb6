package io.nxs.doctor.notify;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real Debian {@code prometheus-alertmanager} binary (installed by {@code .ci/run}), started on
 * loopback in a temporary directory with one null receiver grouping by incident.
 */
final class Alertmanager implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private Alertmanager(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Alertmanager start(Path dir) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(
          BINARY + " is missing: install Debian's prometheus-alertmanager (.ci/run does)");
    }
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        """
        route:
          receiver: blackhole
          group_by: ['incident']
          group_wait: 1s
        receivers:
          - name: blackhole
        """);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                List.of(
                    BINARY.toString(),
                    "--config.file=" + config,
                    "--storage.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address="))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("alertmanager.log").toFile())
            .start();
    Alertmanager am = new Alertmanager(p, port);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> am.ready());
    return am;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  private boolean ready() {
    if (!process.isAlive()) {
      throw new AssertionError("alertmanager exited with " + process.exitValue());
    }
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return Json.mapper().readTree(r.body());
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
