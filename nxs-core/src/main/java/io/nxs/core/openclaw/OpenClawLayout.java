package io.nxs.core.openclaw;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where OpenClaw 2026.9.6 keeps its files under one state directory ("home"), resolved. See {@code
 * docs/openclaw.md} for where each fact comes from in OpenClaw's package.
 *
 * <pre>
 *   openclaw.json                                  config (JSON5)
 *   credentials/                                   OAuth and channel logins
 *   workspace/                                     the agent's memory (git init'ed, no commits)
 *   state/openclaw.sqlite                          shared state DB (schema 18)
 *   agents/&lt;id&gt;/agent/openclaw-agent.sqlite         per-agent sessions + transcripts (schema 23)
 *   agents/&lt;id&gt;/sessions/cold/*.jsonl.zst           cold transcript archives (authoritative)
 *   agents/&lt;id&gt;/sessions/sessions.json, *.jsonl     legacy layout, imported by `doctor --fix`
 * </pre>
 *
 * <p>Paths are computed, not checked: a fresh home has none of them until OpenClaw first runs. The
 * workspace may be configured elsewhere ({@code agents.defaults.workspace} in {@code
 * openclaw.json}); this layout names OpenClaw's default.
 *
 * @param home the state directory, absolute
 */
public record OpenClawLayout(Path home) {

  /** OpenClaw's per-agent database file name. */
  public static final String AGENT_DATABASE = "openclaw-agent.sqlite";

  /** The agent every fresh OpenClaw has. */
  public static final String MAIN_AGENT = "main";

  /**
   * What a backup of the home leaves out, as glob patterns relative to the home ({@link
   * java.nio.file.FileSystem#getPathMatcher} "glob:" syntax): caches, logs, locks, downloaded
   * runtimes and UI assets, generated indexes, live SQLite files (read those through SQLite's
   * online backup: {@link #sqliteStores()}) and their sidecars. OpenClaw's own {@code backup
   * create} skips the same set.
   */
  public static final List<String> BACKUP_EXCLUDES =
      List.of(
          "tmp/**",
          "dev/**",
          "git/**",
          "npm/**",
          "npm-runtime/**",
          "tools/**",
          "plugin-skills/**",
          "extensions/**/node_modules/**",
          "logs/**",
          "delivery-queue/**",
          "session-delivery-queue/**",
          "sandbox/skills-workspaces/**",
          "browser/*/user-data/Singleton*",
          "agents/*/agent/**/tmp/**",
          "agents/*/agent/**/.tmp/**",
          "sessions/**.log",
          "agents/*/sessions/**.log",
          "**.sock",
          "**.pid",
          "**.tmp",
          "**.tmp.*",
          "**.sqlite",
          "**.sqlite-wal",
          "**.sqlite-shm",
          "**.sqlite-journal",
          "**.sqlite.memory-reindex-*",
          "**.sqlite.reindex-lock.sqlite*");

  private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  public OpenClawLayout {
    Objects.requireNonNull(home, "home");
    if (!home.isAbsolute()) {
      throw new IllegalArgumentException("OpenClaw's home must be absolute, but was " + home);
    }
    home = home.normalize();
  }

  /** {@code openclaw.json}. */
  public Path configFile() {
    return home.resolve("openclaw.json");
  }

  /** {@code credentials/}. */
  public Path credentialsDir() {
    return home.resolve("credentials");
  }

  /** {@code workspace/}: OpenClaw's default agent workspace. */
  public Path workspace() {
    return home.resolve("workspace");
  }

  /** {@code state/openclaw.sqlite}: the shared control-plane database. */
  public Path stateDatabase() {
    return home.resolve("state").resolve("openclaw.sqlite");
  }

  /** {@code state/openclaw-quarantine.sqlite}: the quarantine and integrity-verification store. */
  public Path quarantineDatabase() {
    return home.resolve("state").resolve("openclaw-quarantine.sqlite");
  }

  /** {@code agents/}. */
  public Path agentsDir() {
    return home.resolve("agents");
  }

  /**
   * {@code agents/<agentId>/agent/openclaw-agent.sqlite}: one agent's sessions and transcripts.
   *
   * @throws IllegalArgumentException when the id is not a plain name (no separators, no {@code ..})
   */
  public Path agentDatabase(String agentId) {
    return agentDir(agentId).resolve("agent").resolve(AGENT_DATABASE);
  }

  /** {@code agents/<agentId>/sessions/}: cold archives ({@code cold/}) and the legacy layout. */
  public Path sessionsDir(String agentId) {
    return agentDir(agentId).resolve("sessions");
  }

  /** {@code agents/<agentId>/sessions/sessions.json}: the legacy session index, if any. */
  public Path legacySessionIndex(String agentId) {
    return sessionsDir(agentId).resolve("sessions.json");
  }

  /** {@code logs/}. */
  public Path logsDir() {
    return home.resolve("logs");
  }

  /** Agents that have a database now, by directory name, sorted. */
  public List<String> agents() {
    Path dir = agentsDir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> Files.isRegularFile(p.resolve("agent").resolve(AGENT_DATABASE)))
          .map(p -> p.getFileName().toString())
          .filter(id -> AGENT_ID.matcher(id).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list OpenClaw's agents in " + dir, e);
    }
  }

  /**
   * Every SQLite store OpenClaw manages that exists now: the shared state database, the quarantine
   * store, then each agent's database.
   */
  public List<Path> sqliteStores() {
    List<Path> stores = new ArrayList<>();
    for (Path shared : List.of(stateDatabase(), quarantineDatabase())) {
      if (Files.isRegularFile(shared)) {
        stores.add(shared);
      }
    }
    for (String agent : agents()) {
      stores.add(agentDatabase(agent));
    }
    return List.copyOf(stores);
  }

  private Path agentDir(String agentId) {
    if (agentId == null || !AGENT_ID.matcher(agentId).matches() || agentId.contains("..")) {
      throw new IllegalArgumentException(
          "an OpenClaw agent id is a plain name such as 'main', but was '" + agentId + "'");
    }
    return agentsDir().resolve(agentId);
  }
}
