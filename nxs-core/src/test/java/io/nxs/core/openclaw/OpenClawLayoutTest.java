package io.nxs.core.openclaw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenClawLayoutTest {

  @TempDir Path home;

  @Test
  void namesOpenClawsFilesUnderItsHome() {
    OpenClawLayout layout = new OpenClawLayout(home);

    assertThat(layout.configFile()).isEqualTo(home.resolve("openclaw.json"));
    assertThat(layout.credentialsDir()).isEqualTo(home.resolve("credentials"));
    assertThat(layout.workspace()).isEqualTo(home.resolve("workspace"));
    assertThat(layout.stateDatabase()).isEqualTo(home.resolve("state/openclaw.sqlite"));
    assertThat(layout.agentDatabase("main"))
        .isEqualTo(home.resolve("agents/main/agent/openclaw-agent.sqlite"));
    assertThat(layout.legacySessionIndex("work"))
        .isEqualTo(home.resolve("agents/work/sessions/sessions.json"));
  }

  @Test
  void listsOnlyTheStoresThatExist() throws Exception {
    OpenClawLayout layout = new OpenClawLayout(home);
    assertThat(layout.sqliteStores()).isEmpty();

    Files.createDirectories(layout.stateDatabase().getParent());
    Files.writeString(layout.stateDatabase(), "");
    for (String agent : List.of("work", "main")) {
      Files.createDirectories(layout.agentDatabase(agent).getParent());
      Files.writeString(layout.agentDatabase(agent), "");
    }
    Files.createDirectories(home.resolve("agents/empty/agent"));

    assertThat(layout.agents()).containsExactly("main", "work");
    assertThat(layout.sqliteStores())
        .containsExactly(
            layout.stateDatabase(), layout.agentDatabase("main"), layout.agentDatabase("work"));
  }

  @Test
  void refusesAnAgentIdThatIsAPath() {
    OpenClawLayout layout = new OpenClawLayout(home);
    for (String bad : List.of("../x", "a/b", "", "..")) {
      assertThatThrownBy(() -> layout.agentDatabase(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("plain name");
    }
  }

  @Test
  void backupExcludesKeepMemoryConfigAndCredentialsButDropCachesLogsAndLiveDatabases() {
    List<PathMatcher> excludes =
        OpenClawLayout.BACKUP_EXCLUDES.stream()
            .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
            .toList();
    java.util.function.Predicate<String> excluded =
        p -> excludes.stream().anyMatch(m -> m.matches(Path.of(p)));

    assertThat(
            List.of(
                "openclaw.json",
                "credentials/oauth.json",
                "workspace/MEMORY.md",
                "workspace/memory/2026-12-06.md",
                "workspace/config/app.yaml",
                "agents/main/sessions/cold/abc.jsonl.zst"))
        .noneMatch(excluded);
    assertThat(
            List.of(
                "logs/stability/x.json",
                "tmp/openclaw-0/gateway.lock",
                "npm/projects/x/package.json",
                "plugin-skills/canvas/SKILL.md",
                "extensions/p/node_modules/a/index.js",
                "agents/main/agent/openclaw-agent.sqlite",
                "agents/main/agent/openclaw-agent.sqlite-wal",
                "state/openclaw.sqlite-shm",
                "workspace/notes.tmp",
                "agents/main/agent/openclaw-agent.sqlite.memory-reindex-1-wal"))
        .allMatch(excluded);
  }
}
