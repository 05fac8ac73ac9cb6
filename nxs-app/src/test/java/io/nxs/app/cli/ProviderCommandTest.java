package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import io.nxs.core.state.SecureFiles;
import io.nxs.testkit.upstream.FakeUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs provider list|test|rotate} against a running daemon with two loopback upstreams. */
class ProviderCommandTest {

  @TempDir Path dir;

  private final FakeUpstream a = FakeUpstream.start("a");
  private final FakeUpstream b = FakeUpstream.start("b");
  private NxsHome home;
  private Daemon daemon;
  private int port;

  @BeforeEach
  void start() throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String providers =
        "providers:\n"
            + "  - {name: a, base_url: '"
            + a.baseUrl()
            + "', api_key: old-key-of-a, model: m-a, priority: 1}\n"
            + "  - {name: b, base_url: '"
            + b.baseUrl()
            + "', model: m-b, priority: 2}\n";
    Files.writeString(home.config(), "server:\n  port: " + port + "\n" + providers);
    daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    a.close();
    b.close();
  }

  private CliRunner.Result nxs(Map<String, String> env, String... args) {
    return new CliRunner(home.dir(), env).run(args);
  }

  private HttpResponse<String> chat() throws Exception {
    String key = Files.readString(home.adminKey()).strip();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listShowsEveryProviderWithBreakerAndCredentialState() throws Exception {
    CliRunner.Result text = nxs(Map.of(), "provider", "list");
    CliRunner.Result json = nxs(Map.of(), "provider", "list", "-o", "json");

    assertThat(text.code()).isZero();
    assertThat(text.out())
        .contains("NAME")
        .contains("BREAKER")
        .containsPattern("a\\s+1\\s+CLOSED\\s+single");
    assertThat(json.code()).isZero();
    JsonNode body = Json.mapper().readTree(json.out());
    assertThat(body.at("/providers/1/name").asText()).isEqualTo("b");
    assertThat(body.at("/providers/1/credential/state").asText()).isEqualTo("none");
    assertThat(json.out()).doesNotContain("old-key-of-a");
  }

  @Test
  void testProbesEachProviderAndFailsWhenOneIsDown() {
    CliRunner.Result one = nxs(Map.of(), "provider", "test", "a");
    b.kill();
    CliRunner.Result all = nxs(Map.of(), "provider", "test");

    assertThat(one.code()).isZero();
    assertThat(one.out()).contains("ok").contains("model fake-model");
    assertThat(all.code()).isEqualTo(1);
    assertThat(all.out()).containsPattern("FAIL\\s+b\\s+refused");
  }

  @Test
  void rotateStartsAnOverlapInWhichTheNewKeyIsUsedFirst() throws Exception {
    CliRunner.Result r =
        nxs(
            Map.of("NEW_A_KEY", "new-key-of-a-123"),
            "provider",
            "rotate",
            "a",
            "--key-env",
            "NEW_A_KEY");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("old one as fallback").doesNotContain("new-key-of-a-123");
    assertThat(chat().statusCode()).isEqualTo(200);
    assertThat(a.requests().getLast().header("authorization")).isEqualTo("Bearer new-key-of-a-123");
    Path secrets = home.dir().resolve("secrets.yaml");
    assertThat(SecureFiles.permissions(secrets)).isEqualTo("rw-------");
    assertThat(Files.readString(secrets)).contains("api_key_next").contains("overlap_until");
  }

  @Test
  void emergencyRotationSwitchesAtOnceAndIsAuditedAsACompromise() throws Exception {
    Path keyFile = dir.resolve("new.key");
    Files.writeString(keyFile, "emergency-key-of-a-456\n");

    CliRunner.Result r =
        nxs(
            Map.of(),
            "provider",
            "rotate",
            "a",
            "--key-file",
            keyFile.toString(),
            "--emergency",
            "--reason",
            "leaked in a CI log");

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("old key is retired");
    assertThat(chat().statusCode()).isEqualTo(200);
    assertThat(a.requests().getLast().header("authorization"))
        .isEqualTo("Bearer emergency-key-of-a-456");
    assertThat(Files.readString(home.dir().resolve("secrets.yaml"))).doesNotContain("old-key-of-a");
    CliRunner.Result audit =
        nxs(Map.of(), "audit", "query", "--type", "security.key_compromise", "-o", "json");
    assertThat(audit.out())
        .contains("security.key_compromise")
        .contains("leaked in a CI log")
        .doesNotContain("emergency-key-of-a-456");
  }

  @Test
  void rotateNeedsExactlyOneKeySource() {
    CliRunner.Result none = nxs(Map.of(), "provider", "rotate", "a");
    CliRunner.Result unset = nxs(Map.of(), "provider", "rotate", "a", "--key-env", "NOPE");
    CliRunner.Result unknown =
        nxs(Map.of("K", "some-new-key-789"), "provider", "rotate", "zzz", "--key-env", "K");

    assertThat(none.code()).isEqualTo(2);
    assertThat(unset.code()).isEqualTo(2);
    assertThat(unset.err()).contains("NOPE is not set");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("no provider named 'zzz'")
        .doesNotContain("some-new-key-789");
  }

  @Test
  void aStoppedDaemonIsExitCodeThree() {
    daemon.close();
    daemon = null;

    CliRunner.Result r = nxs(Map.of(), "provider", "list");

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("does not answer");
  }
}
