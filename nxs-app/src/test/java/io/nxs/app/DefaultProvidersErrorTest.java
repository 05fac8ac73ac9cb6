package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.log.Redaction;
import java.net.ServerSocket;
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
 * The shipped default configuration with no local model running: a chat request's error names the
 * providers that failed (their placeholder keys {@code lm-studio} and {@code ollama} are not
 * secrets, so nothing masks the names), while real secrets stay masked wherever they appear.
 */
class DefaultProvidersErrorTest {

  @TempDir Path dir;

  /** A loopback port nothing listens on (the default config's own may be taken on a dev box). */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aChatErrorNamesTheDefaultProvidersAndNoSecretAppears() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    String yaml =
        Files.readString(home.config())
            .replace("port: 8787", "port: 0")
            .replace("127.0.0.1:1234/v1", "127.0.0.1:" + closedPort() + "/v1")
            .replace("127.0.0.1:11434/v1", "127.0.0.1:" + closedPort() + "/v1");
    assertThat(yaml).contains("api_key: lm-studio").contains("api_key: ollama");
    Files.writeString(home.config(), yaml);

    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      String admin = Files.readString(home.adminKey()).strip();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + d.port() + "/v1/chat/completions"))
                      .header("Authorization", "Bearer " + admin)
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\","
                                  + "\"content\":\"hi "
                                  + admin
                                  + "\"}]}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body())
          .contains("lmstudio-local: refused")
          .contains("ollama-local: refused")
          .doesNotContain(Redaction.MASK)
          .doesNotContain(admin);
      assertThat(Redaction.redact("key " + admin)).isEqualTo("key " + Redaction.MASK);
      assertThat(Redaction.redact("ollama-local via ollama, lm-studio"))
          .isEqualTo("ollama-local via ollama, lm-studio");
    }
  }
}
