package io.nxs.app.openclaw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.NxsHome;
import io.nxs.app.cli.CliRunner;
import io.nxs.app.cli.Main;
import io.nxs.testkit.DaemonProcess;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.upstream.FakeUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain with the real agent: OpenClaw 2026.9.6 → a real NXS daemon's {@code /v1} with an
 * NXS API key → the daemon's only provider, a {@link FakeUpstream}. One real turn for the class.
 */
class OpenClawThroughNxsTest {

  @TempDir static Path dir;

  static FakeUpstream upstream;
  static DaemonProcess daemon;
  static OpenClawHome claw;
  static String nxsKey;
  static JsonNode turn;

  @BeforeAll
  static void oneTurnThroughNxs() throws Exception {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    upstream = FakeUpstream.start("only-provider");
    NxsHome home = new NxsHome(dir.resolve("nxs"));
    home.initialize();
    Files.writeString(
        home.config(),
        "server:\n  port: 0\nproviders:\n  - {name: fake, base_url: '"
            + upstream.baseUrl()
            + "', api_key: sk-upstream-0123456789, model: fake-model, priority: 1}\n");
    CliRunner.Result created =
        new CliRunner(home.dir())
            .run("key", "create", "--scope", "read", "--name", "openclaw", "--expires", "never");
    assertThat(created.code()).as(created.err()).isZero();
    nxsKey = created.out().lines().findFirst().orElseThrow().strip();
    daemon = DaemonProcess.start(Main.class.getName(), home.dir(), Duration.ofSeconds(120));
    claw =
        OpenClawHome.create(
            install,
            dir.resolve("claw"),
            OpenClawHome.Provider.of(daemon.baseUrl() + "/v1", nxsKey));
    turn = claw.agentTurn("through-nxs", "hello through nxs");
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void aRealTurnGoesThroughNxsToItsProviderAndOpenClawListsTheSession() {
    assertThat(turn.at("/payloads/0/text").asText()).isEqualTo("Hello from upstream");
    assertThat(turn.at("/meta/agentMeta/provider").asText()).isEqualTo("nxs");

    List<FakeUpstream.Received> chats =
        upstream.requests().stream().filter(r -> r.path().equals("/v1/chat/completions")).toList();
    assertThat(chats).isNotEmpty();
    FakeUpstream.Received sent = chats.getLast();
    assertThat(sent.json().path("model").asText()).isEqualTo("fake-model");
    assertThat(sent.json().path("messages").toString()).contains("hello through nxs");
    // NXS authenticates OpenClaw with its own key and calls the provider with the provider's key.
    assertThat(sent.header("authorization")).isEqualTo("Bearer sk-upstream-0123456789");

    JsonNode sessions = claw.sessionsList();
    assertThat(claw.sessionKeys()).containsExactly("agent:main:through-nxs");
    assertThat(sessions.at("/sessions/0/sessionId").asText())
        .isEqualTo(turn.at("/meta/agentMeta/sessionId").asText());
    assertThat(daemon.output()).doesNotContain(nxsKey);
  }
}
