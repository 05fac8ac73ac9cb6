package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.testkit.openclaw.OpenClawGateway;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.upstream.FakeUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the vault takes from the real OpenClaw 2026.9.6 (SPEC VA1): backed up while its gateway
 * runs, restored onto a fresh home, OpenClaw starts there and lists the same sessions, with its
 * config, credentials and every workspace file back, and its logs left out. One real turn makes the
 * session (they take 20-150 s on this machine).
 */
class OpenClawBackupTest {

  @TempDir static Path dir;

  static FakeUpstream upstream;
  static OpenClawHome claw;
  static OpenClawHome.Provider provider;

  @BeforeAll
  static void aRealSession() throws Exception {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    upstream = FakeUpstream.start("vault-claw-upstream");
    provider = new OpenClawHome.Provider("fake", upstream.baseUrl(), "sk-fake-0123456789", "m1");
    claw = OpenClawHome.create(install, dir.resolve("home"), provider);
    claw.agentTurn("alpha", "remember the blue door");
    Path ws = claw.layout().workspace();
    Files.writeString(ws.resolve("MEMORY.md"), "the door is blue");
    Files.writeString(ws.resolve("TECHNOLOGY-MATRIX.md"), "| tool | use |");
    Files.createDirectories(ws.resolve("config"));
    Files.writeString(ws.resolve("config/agents.yaml"), "researcher: {model: m1}\n");
    // A channel login (WhatsApp's creds.json): OpenClaw keeps these as files.
    Path creds =
        Files.createDirectories(claw.layout().credentialsDir().resolve("whatsapp/default"));
    Files.writeString(creds.resolve("creds.json"), "{\"me\":\"42\"}");
    Files.createDirectories(claw.layout().logsDir());
    Files.writeString(claw.layout().logsDir().resolve("gateway.log"), "a log line");
  }

  @AfterAll
  static void closeUpstream() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @Test
  void aRestoreOfABackupTakenWhileTheGatewayRunsStartsWithTheSameSessions() throws Exception {
    List<String> sessions = claw.sessionKeys();
    String sessionId = claw.sessionsList().at("/sessions/0/sessionId").asText();
    OpenClawLayout layout = claw.layout();
    try (VaultFixture f = new VaultFixture()) {
      Vault vault =
          Vault.open(
              f.home.path(), VaultConfig.defaults(), layout, f.store, f.audit, f.clock, List::of);
      String id;
      try (OpenClawGateway gateway = claw.startGateway()) {
        assertThat(gateway.status("/healthz")).isEqualTo(200);
        assertThat(layout.credentialsDir().resolve("whatsapp/default/creds.json")).exists();
        id = vault.create(Progress.NONE).snapshot().id();
      }

      Manifest m = BackupTest.manifest(vault, id);
      assertThat(m.files())
          .extracting(Manifest.Entry::path)
          .contains(
              "openclaw/openclaw.json",
              "openclaw/credentials/whatsapp/default/creds.json",
              "openclaw/agents/main/agent/openclaw-agent.sqlite",
              "openclaw/state/openclaw.sqlite",
              "openclaw/workspace/AGENTS.md",
              "openclaw/workspace/MEMORY.md",
              "openclaw/workspace/TECHNOLOGY-MATRIX.md",
              "openclaw/workspace/config/agents.yaml")
          .doesNotContain("openclaw/logs/gateway.log")
          .noneMatch(
              p -> p.endsWith("-wal") || p.endsWith("-shm") || p.startsWith("openclaw/tmp/"));

      Path restored = dir.resolve("restored");
      vault.restore(id, restored, "openclaw", Progress.NONE);
      vault.close();
      Path fresh = Files.createDirectories(dir.resolve("fresh"));
      Files.move(restored.resolve("openclaw"), fresh.resolve(".openclaw"));
      Path home = fresh.resolve(".openclaw");
      assertThat(home.resolve("openclaw.json")).hasSameTextualContentAs(layout.configFile());
      assertThat(home.resolve("credentials/whatsapp/default/creds.json"))
          .hasContent("{\"me\":\"42\"}");
      assertThat(home.resolve("workspace/config/agents.yaml"))
          .hasContent("researcher: {model: m1}\n");
      assertThat(home.resolve("logs/gateway.log")).doesNotExist();
    }

    // OpenClawHome.create writes the openclaw.json of the same provider again (the restored one
    // was compared above), and points HOME at the fresh directory for every command.
    OpenClawHome again =
        OpenClawHome.create(OpenClawInstall.assumeInstalled(), dir.resolve("fresh"), provider);
    try (OpenClawGateway gateway = again.startGateway()) {
      assertThat(gateway.status("/healthz")).isEqualTo(200);
    }
    assertThat(again.sessionKeys()).isEqualTo(sessions).containsExactly("agent:main:alpha");
    assertThat(again.sessionsList().at("/sessions/0/sessionId").asText()).isEqualTo(sessionId);
  }
}
