package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.vault.internal.SqliteCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OpenClaw's workspace and SQLite stores, the latter copied online while OpenClaw writes. */
class OpenClawSourceTest {

  private final VaultFixture f = new VaultFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void workspaceFilesAndLiveSqliteStoresAreBackedUpWithRowsStillInTheWal() throws Exception {
    Path openclaw = f.home.resolve("dot-openclaw");
    Path ws = Files.createDirectories(openclaw.resolve("workspace"));
    Files.writeString(ws.resolve("MEMORY.md"), "long-term memory");
    Files.createDirectories(ws.resolve("memory"));
    Files.writeString(ws.resolve("memory/2026-12-01.md"), "daily");
    Files.writeString(ws.resolve("SOUL.md"), "soul");
    Files.writeString(ws.resolve("DECISION-LOG.md"), "decisions");
    Files.createDirectories(ws.resolve("skills/search"));
    Files.writeString(ws.resolve("skills/search/SKILL.md"), "skill");
    Files.writeString(ws.resolve("TECHNOLOGY-MATRIX.md"), "whatever the agent writes");
    Files.writeString(openclaw.resolve("openclaw.json"), "{\"gateway\":{\"port\":18789}}");
    Files.createDirectories(openclaw.resolve("credentials"));
    Files.writeString(openclaw.resolve("credentials/telegram-allowFrom.json"), "[]");
    Files.createDirectories(openclaw.resolve("logs"));
    Files.writeString(openclaw.resolve("logs/gateway.log"), "a log line");
    Path agentDb =
        Files.createDirectories(openclaw.resolve("agents/main/agent"))
            .resolve("openclaw-agent.sqlite");
    Files.createDirectories(openclaw.resolve("state"));
    Path stateDb = openclaw.resolve("state/openclaw.sqlite");

    try (Connection live = DriverManager.getConnection("jdbc:sqlite:" + agentDb);
        Statement s = live.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA wal_autocheckpoint=0");
      s.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT)");
      for (int i = 0; i < 200; i++) {
        s.execute("INSERT INTO messages (body) VALUES ('message " + i + "')");
      }
      try (Connection st = DriverManager.getConnection("jdbc:sqlite:" + stateDb);
          Statement s2 = st.createStatement()) {
        s2.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
        s2.execute("INSERT INTO kv VALUES ('session', 'abc')");
      }
      assertThat(Files.size(agentDb.resolveSibling("openclaw-agent.sqlite-wal"))).isPositive();

      VaultConfig base = VaultConfig.defaults();
      Vault vault =
          Vault.open(
              f.home.path(),
              new VaultConfig(
                  List.of(),
                  true,
                  openclaw.toString(),
                  base.targets(),
                  base.retention(),
                  base.schedule(),
                  base.rpo()),
              f.store,
              f.audit,
              f.clock);
      String id = vault.create(Progress.NONE).snapshot().id();

      Manifest m = BackupTest.manifest(vault, id);
      assertThat(m.files())
          .extracting(Manifest.Entry::path)
          .contains(
              "openclaw/workspace/MEMORY.md",
              "openclaw/workspace/memory/2026-12-01.md",
              "openclaw/workspace/SOUL.md",
              "openclaw/workspace/DECISION-LOG.md",
              "openclaw/workspace/skills/search/SKILL.md",
              "openclaw/workspace/TECHNOLOGY-MATRIX.md",
              "openclaw/openclaw.json",
              "openclaw/credentials/telegram-allowFrom.json",
              "openclaw/agents/main/agent/openclaw-agent.sqlite",
              "openclaw/state/openclaw.sqlite")
          .doesNotContain("openclaw/logs/gateway.log")
          .noneMatch(p -> p.endsWith("-wal") || p.endsWith("-shm"));

      Path to = f.home.resolve("restored");
      vault.restore(id, to, "openclaw", Progress.NONE);
      Path restored = to.resolve("openclaw/agents/main/agent/openclaw-agent.sqlite");
      assertThat(SqliteCopy.integrityCheck(restored)).containsExactly("ok");
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + restored);
          Statement q = c.createStatement();
          ResultSet rs = q.executeQuery("SELECT COUNT(*) FROM messages")) {
        assertThat(rs.getInt(1)).isEqualTo(200);
      }
    }
  }
}
