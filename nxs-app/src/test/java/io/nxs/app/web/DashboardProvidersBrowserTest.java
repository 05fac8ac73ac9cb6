package io.nxs.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.testkit.upstream.FakeUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider panels in a real Chromium, against a daemon whose gateway fronts two fault-injecting
 * upstreams on loopback (the testkit's, the only double: remote LLM APIs cannot be reached here).
 */
class DashboardProvidersBrowserTest {

  @TempDir Path dir;

  private final FakeUpstream primary = FakeUpstream.start("primary");
  private final FakeUpstream backup = FakeUpstream.start("backup");
  private Daemon daemon;
  private String adminKey;

  @BeforeEach
  void startDaemon() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(),
        """
        server:
          port: 0
        providers:
          - {name: primary, base_url: '%s', model: m-primary, priority: 1, retry: 0,
             circuit_breaker: {failure_threshold: 1, timeout_seconds: 600}}
          - {name: backup, base_url: '%s', model: m-backup, priority: 2}
        """
            .formatted(primary.baseUrl(), backup.baseUrl()));
    daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
    adminKey = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
  }

  @AfterEach
  void stop() {
    daemon.close();
    primary.close();
    backup.close();
  }

  private HttpResponse<String> chat() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + daemon.port() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + adminKey)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aProviderTurnsOpenLiveWhenItsUpstreamIsKilledAndTheFailoverIsListed() throws Exception {
    try (Browser b = Browser.open(daemon.port())) {
      b.logIn(adminKey);
      String before = b.panelWhen("providers", t -> t.contains("primary") && t.contains("backup"));
      assertThat(before).doesNotContain("OPEN");
      b.textWhen("#status-line", t -> t.startsWith("Live"));

      primary.kill();
      HttpResponse<String> answered = chat();

      assertThat(answered.statusCode()).isEqualTo(200);
      assertThat(answered.headers().firstValue("x-nxs-provider")).hasValue("backup");
      // The breaker's change reaches the page as an event over SSE, which refreshes the panels.
      assertThat(b.textWhen("#live-log", t -> t.contains("BreakerTransitioned")))
          .contains("primary");
      String after = b.panelWhen("providers", t -> t.matches("(?s).*primary\\s+OPEN.*"));
      assertThat(after).containsPattern("backup\\s+CLOSED");
      assertThat(b.panelWhen("failovers", t -> t.contains("provider.failover")))
          .contains("to backup");
      b.screenshot("providers-open");
    }
  }
}
