package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.testkit.upstream.FakeUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compromise response end to end (SEC5): CLI → running daemon → audit log. A stolen provider key is
 * revoked with lockdown; the owner key keeps admin rights, another admin key loses them, the agent
 * keeps working, {@code nxs status} says LOCKDOWN, and lifting it restores the other key.
 */
class LockdownCommandTest {

  private static final String STOLEN = "stolen-provider-key-7777";

  @TempDir Path dir;

  private final FakeUpstream a = FakeUpstream.start("a");
  private final HttpClient http = HttpClient.newHttpClient();
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
    Files.writeString(
        home.config(),
        "server:\n  port: "
            + port
            + "\nproviders:\n  - {name: a, base_url: '"
            + a.baseUrl()
            + "', api_key: "
            + STOLEN
            + ", model: m-a, priority: 1}\n");
    daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    a.close();
  }

  private CliRunner.Result nxs(String... args) {
    return new CliRunner(home.dir(), Map.of()).run(args);
  }

  private int status(String method, String path, String key) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + key)
                .method(
                    method,
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"nxs-auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void aRevokeWithLockdownLeavesAdminToTheOwnerKeyAndTheAgentWorking() throws Exception {
    String owner = Files.readString(home.adminKey()).strip();
    String other =
        nxs("key", "create", "--scope", "admin", "--name", "ops")
            .out()
            .lines()
            .findFirst()
            .orElseThrow();
    String agent =
        nxs("key", "create", "--scope", "read", "--name", "agent")
            .out()
            .lines()
            .findFirst()
            .orElseThrow();

    CliRunner.Result revoke =
        nxs("provider", "revoke", "a", "--reason", "pasted in a public issue", "--lockdown");

    assertThat(revoke.code()).as(revoke.err()).isEqualTo(ExitCode.PROBLEM);
    assertThat(revoke.out())
        .contains("revoke it in the provider's console too")
        .contains("also written in nxs.yaml")
        .contains("LOCKDOWN on");
    assertThat(status("GET", "/api/v1/keys", other)).isEqualTo(403);
    assertThat(status("GET", "/api/v1/keys", owner)).isEqualTo(200);
    assertThat(status("POST", "/v1/chat/completions", agent)).isEqualTo(200);
    assertThat(a.requests().getLast().header("authorization")).isNotEqualTo("Bearer " + STOLEN);
    assertThat(status("GET", "/readyz", agent)).isEqualTo(200);
    CliRunner.Result st = nxs("status");
    assertThat(st.out()).contains("LOCKDOWN").contains("pasted in a public issue");
    assertThat(st.code()).isEqualTo(ExitCode.PROBLEM);

    CliRunner.Result off = nxs("lockdown", "off", "--reason", "key rotated at the provider");

    assertThat(off.code()).as(off.err()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(status("GET", "/api/v1/keys", other)).isEqualTo(200));
    CliRunner.Result audit = nxs("audit", "query", "--type", "security.*");
    assertThat(audit.out())
        .contains("security.key_compromise")
        .contains("security.lockdown_refused")
        .contains("security.lockdown_lifted")
        .doesNotContain(STOLEN)
        .doesNotContain(owner)
        .doesNotContain(other);
    assertThat(revoke.out() + revoke.err() + st.out() + off.out()).doesNotContain(STOLEN);
    assertThat(Files.readString(home.dir().resolve("secrets.yaml"))).doesNotContain(STOLEN);
  }
}
