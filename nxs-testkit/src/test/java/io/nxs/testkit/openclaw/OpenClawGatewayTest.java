package io.nxs.testkit.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.openclaw.CliResult;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real OpenClaw gateway as the testkit starts it: probes, the h2c upgrade, kill, exit 78. */
class OpenClawGatewayTest {

  @TempDir Path dir;

  private OpenClawHome home(String name) {
    return OpenClawHome.create(
        OpenClawInstall.assumeInstalled(),
        dir.resolve(name),
        OpenClawHome.Provider.of("http://127.0.0.1:9/v1", "sk-unused-0123456789"));
  }

  @Test
  void startsHealthyOnAFreeLoopbackPortAndDiesOnSigkill() throws Exception {
    try (OpenClawGateway gateway = home("live").startGateway()) {
      assertThat(gateway.url().toString()).startsWith("http://127.0.0.1:");
      assertThat(gateway.get("/healthz").orElseThrow().body()).contains("\"status\":\"live\"");
      assertThat(gateway.status("/startupz")).isIn(200, 503);
      assertThat(gateway.status("/readyz")).isIn(200, 503);

      // The JDK client's default (HTTP/2 over cleartext = an h2c upgrade) gets 400 from OpenClaw.
      HttpResponse<String> upgraded =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(gateway.url().resolve("/healthz")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(upgraded.statusCode()).isEqualTo(400);
      assertThat(upgraded.body()).contains("Invalid Upgrade header");

      long pid = gateway.pid();
      gateway.kill();

      assertThat(ProcessHandle.of(pid)).isEmpty();
      assertThat(gateway.exitCode()).contains(137);
      assertThat(gateway.status("/healthz")).isEqualTo(-1);
    }
  }

  @Test
  void aBrokenConfigExitsWithTheConfigErrorCode() {
    OpenClawHome home = home("broken");
    home.writeRawConfig("{ \"gateway\": { \"mode\": \"local\" ");

    OpenClawGateway gateway = home.launchGateway();
    int exit = gateway.awaitExit(Duration.ofMinutes(5));

    assertThat(exit).as(gateway.output()).isEqualTo(CliResult.EXIT_CONFIG_ERROR);
    // Without --allow-unconfigured the mode guard reads the unparsable file first.
    assertThat(gateway.output())
        .containsAnyOf("Invalid config", "existing config is missing gateway.mode");
  }
}
