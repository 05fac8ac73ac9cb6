package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.openclaw.OpenClawLayout;
import io.nxs.testkit.openclaw.OpenClawGateway;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the vault takes from the real OpenClaw 2026.9.6 (SPEC VA1): backed up while its gateway
 * runs, restored onto a fresh home, OpenClaw starts there and lists the same sessions, with its
 * config, credentials and every workspace file back, and its logs left out. The sessions are a copy
 * of the build's {@link RealSessions} (real turns take 20-150 s on this machine: made once).
 */
class OpenClawBackupTest {

  @TempDir static Path dir;

  static OpenClawHome claw;

  @BeforeAll
  static void realSessions() throws Exception {
    claw = RealSessions.copy(OpenClawInstall.assumeInstalled(), dir.resolve("home"));
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

  @Test
  void aRestoreOfABackupTakenWhileTheGatewayRunsStartsWithTheSameSessions() throws Exception {
    Map<String, String> sessions = idsByKey(claw.sessionsList());
    assertThat(sessions).containsOnlyKeys("agent:main:alpha", "agent:main:beta");
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

    // RealSessions.fresh writes the openclaw.json of the same provider again (the restored one was
    // compared above), and points HOME at the fresh directory for every command.
    OpenClawHome again =
        RealSessions.fresh(OpenClawInstall.assumeInstalled(), dir.resolve("fresh"));
    try (OpenClawGateway gateway = again.startGateway()) {
      assertThat(gateway.status("/healthz")).isEqualTo(200);
    }
    assertThat(idsByKey(again.sessionsList()))
        .as("the same session keys and ids")
        .isEqualTo(sessions);
  }

  /** {@code sessions list --json}: session key → session id. */
  private static Map<String, String> idsByKey(JsonNode list) {
    Map<String, String> ids = new TreeMap<>();
    list.path("sessions")
        .forEach(n -> ids.put(n.path("key").asText(), n.path("sessionId").asText()));
    return ids;
  }
}
