package io.nxs.app.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.NxsHome;
import io.nxs.app.cli.Main;
import io.nxs.core.Json;
import io.nxs.testkit.DaemonProcess;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import io.nxs.testkit.openclaw.TranscriptGrower;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real NXS daemons on loopback, each with its own home and its own real OpenClaw home: a
 * migration survives a SIGKILL of either side mid-transfer, and afterwards every session has the
 * same message count and hash on the target as on the source — no duplicate, no loss.
 */
class SessionMigrationDaemonTest {

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private static final Duration START = Duration.ofMinutes(3);

  private record Side(Path nxs, OpenClawHome claw, Map<String, String> env) {}

  private Side side(String name, OpenClawHome claw) throws Exception {
    NxsHome home = new NxsHome(dir.resolve(name));
    home.initialize();
    String command =
        String.join(", ", claw.install().command().stream().map(w -> "'" + w + "'").toList());
    Files.writeString(
        home.config(),
        "server:\n  port: 0\n"
            + "openclaw:\n  home: '"
            + claw.layout().home()
            + "'\n  command: ["
            + command
            + "]\n  gateway_url: http://127.0.0.1:9\n"
            // Small chunks and a bandwidth cap keep the transfer going long enough to kill it.
            + "session:\n  chunk_size: 64KiB\n  bandwidth: 256KiB\n");
    Map<String, String> env = new HashMap<>(OpenClawHome.QUIET_ENV);
    env.put("HOME", claw.userHome().toString());
    return new Side(home.dir(), claw, env);
  }

  private DaemonProcess start(Side s) {
    return DaemonProcess.start(Main.class.getName(), s.nxs(), START, s.env());
  }

  private JsonNode get(DaemonProcess d, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(d.baseUrl() + path))
                .header("Authorization", "Bearer " + d.adminKey())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  private JsonNode post(DaemonProcess d, String path, Object body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(d.baseUrl() + path))
                .header("Authorization", "Bearer " + d.adminKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return Json.mapper().readTree(r.body());
  }

  private JsonNode migration(DaemonProcess d, String id) throws Exception {
    return get(d, "/api/v1/migrations/" + id);
  }

  private JsonNode awaitMigration(
      DaemonProcess d, String id, java.util.function.Predicate<JsonNode> done) {
    return await()
        .atMost(Duration.ofMinutes(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> migration(d, id), done::test);
  }

  /** Session key → "messages:hash", as the daemon lists them. */
  private Map<String, String> digests(DaemonProcess d) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (JsonNode a : get(d, "/api/v1/sessions").path("agents")) {
      for (JsonNode s : a.path("sessions")) {
        out.put(
            s.path("key").asText(), s.path("messages").asLong() + ":" + s.path("sha256").asText());
      }
    }
    return out;
  }

  private Path keyFile(DaemonProcess target, String name) throws Exception {
    return Files.writeString(dir.resolve(name), target.adminKey() + "\n");
  }

  @Test
  void aMigrationSurvivesSigkillOfEitherSideMidTransferWithoutLossOrDuplicate() throws Exception {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    Side a = side("a", RealSessions.copy(install, dir.resolve("a-claw")));
    Side b = side("b", RealSessions.fresh(install, dir.resolve("b-claw")));
    new TranscriptGrower(a.claw().layout().agentDatabase("main")).grow("agent:main:alpha", 4_000);

    DaemonProcess source = start(a);
    DaemonProcess target = start(b);
    try {
      Map<String, String> before = digests(source);

      // 1. The source dies in the middle of the bulk transfer and resumes when it is back.
      String id =
          post(
                  source,
                  "/api/v1/migrations",
                  Map.of("to", target.baseUrl(), "key_file", keyFile(target, "b.key").toString()))
              .path("id")
              .asText();
      awaitMigration(
          source,
          id,
          m ->
              "TRANSFERRING".equals(m.path("state").asText()) && m.path("bytes_done").asLong() > 0);
      source.kill();
      source = start(a);
      JsonNode done =
          awaitMigration(source, id, m -> m.path("state").asText().matches("ACTIVE|FAILED"));
      assertThat(done.path("state").asText()).as(done.path("reason").asText()).isEqualTo("ACTIVE");
      assertThat(digests(target)).isEqualTo(before);
      assertThat(get(source, "/api/v1/migrations").path("fenced").path("migration_id").asText())
          .isEqualTo(id);

      // 2. Back again, and this time the receiving side dies mid-transfer: the sender stops after
      // three failures in a row, says so, and resumes from the last acknowledged chunk.
      String back =
          post(
                  target,
                  "/api/v1/migrations",
                  Map.of("to", source.baseUrl(), "key_file", keyFile(source, "a.key").toString()))
              .path("id")
              .asText();
      awaitMigration(
          target,
          back,
          m ->
              "TRANSFERRING".equals(m.path("state").asText()) && m.path("bytes_done").asLong() > 0);
      int port = source.port();
      source.kill();
      JsonNode stalled =
          awaitMigration(target, back, m -> "FAILED".equals(m.path("state").asText()));
      assertThat(stalled.path("resumable").asBoolean()).isTrue();
      assertThat(stalled.path("reason").asText())
          .contains("failed 3 times in a row")
          .contains("nxs session migrate --resume " + back);
      source = restartOnPort(a, port);
      post(target, "/api/v1/migrations/" + back + "/resume", Map.of());
      JsonNode home =
          awaitMigration(target, back, m -> m.path("state").asText().matches("ACTIVE|FAILED"));
      assertThat(home.path("state").asText()).as(home.path("reason").asText()).isEqualTo("ACTIVE");
      assertThat(digests(source)).isEqualTo(before);
      // No fence: the API leaves out a null "fenced" (the JSON mapper writes no nulls).
      JsonNode fence = get(source, "/api/v1/migrations").path("fenced");
      assertThat(fence.isMissingNode() || fence.isNull()).as(fence.toString()).isTrue();
      assertThat(get(target, "/api/v1/migrations").path("fenced").path("migration_id").asText())
          .isEqualTo(back);
    } finally {
      source.close();
      target.close();
    }
  }

  /** The daemon again, on the port its peer knows (the config pins it for the restart). */
  private DaemonProcess restartOnPort(Side s, int port) throws Exception {
    Path config = s.nxs().resolve("nxs.yaml");
    Files.writeString(config, Files.readString(config).replace("port: 0", "port: " + port));
    return start(s);
  }
}
