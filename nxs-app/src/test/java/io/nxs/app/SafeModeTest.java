package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.cli.CliRunner;
import io.nxs.rollout.bootstrap.SafeModeMarker;
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

/**
 * SPEC RO3: a home marked SAFE_MODE starts health, audit and keys only, and says so on {@code
 * /readyz} and in {@code nxs status}.
 */
class SafeModeTest {

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(Daemon d, String path, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aHomeInSafeModeServesHealthAuditAndKeysOnlyAndReadyzSaysWhy() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: 0"));
    SafeModeMarker.write(home.dir(), "bootstrap of 0.3.0 failed: api_key=sk-live-0123456789abcdef");

    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      String admin = Files.readString(home.adminKey()).strip();

      assertThat(get(d, "/healthz", null).statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(d, "/readyz", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body())
          .contains("SAFE MODE: bootstrap of 0.3.0 failed")
          .contains("backup recover")
          .contains(home.dir().resolve("SAFE_MODE").toString())
          .doesNotContain("sk-live-0123456789abcdef");
      assertThat(get(d, "/api/v1/keys", admin).statusCode()).isEqualTo(200);
      assertThat(get(d, "/api/v1/audit?since=1h&type=nxs.*", admin).body())
          .contains("nxs.start")
          .contains("safe_mode");
      assertThat(get(d, "/api/v1/providers", admin).statusCode())
          .as("no capability module runs")
          .isEqualTo(404);
      assertThat(get(d, "/", null).statusCode()).as("no dashboard").isEqualTo(404);

      Files.writeString(
          home.config(), Files.readString(home.config()).replace("port: 0", "port: " + d.port()));
      CliRunner.Result status = new CliRunner(home.dir()).run("status");
      assertThat(status.out())
          .contains("NOT READY")
          .containsPattern("SAFE MODE +SAFE MODE: bootstrap of 0.3.0 failed");
      assertThat(new CliRunner(home.dir()).run("status", "-o", "json").out())
          .contains("\"safe_mode\" : \"SAFE MODE: bootstrap of 0.3.0 failed");
    }
  }
}
