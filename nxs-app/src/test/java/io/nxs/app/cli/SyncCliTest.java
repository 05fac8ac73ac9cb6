package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import io.nxs.core.config.ConfigException;
import io.nxs.core.ext.RuleSource;
import io.nxs.doctor.rule.RuleLoader;
import io.nxs.sync.SyncModule;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs sync status|now} on a stopped home and through a running daemon. */
class SyncCliTest {

  @TempDir Path dir;
  private NxsHome home;
  private CliRunner cli;
  private Path workspace;
  private Path remote;
  private String base;

  @BeforeEach
  void home() throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    remote = dir.resolve("agent.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    workspace = Files.createDirectories(dir.resolve("workspace"));
    Files.writeString(workspace.resolve("MEMORY.md"), "The user likes tea.\n");
    base =
        Files.readString(home.config()).replace("port: 8787", "port: " + port)
            + "\nvault:\n  schedule:\n    backup: 0s\n";
    writeConfig("");
    cli = new CliRunner(home.dir());
  }

  private void writeConfig(String extra) throws Exception {
    Files.writeString(
        home.config(),
        base
            + "\nsync:\n  remote: \""
            + remote
            + "\"\n  workspace: \""
            + workspace
            + "\"\n  node: home\n  interval: 1h\n"
            + extra);
  }

  @Test
  void withoutTheDaemonSyncNowAndStatusWorkOnTheHome() throws Exception {
    CliRunner.Result now = cli.run("sync", "now");
    CliRunner.Result status = cli.run("sync", "status");

    assertThat(now.code()).as(now.err() + now.out()).isZero();
    assertThat(now.out()).startsWith("ok in").contains("1 changed here", "pushed");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out())
        .contains("sync home: " + workspace, remote.toString(), "pending    0 changed here");
  }

  @Test
  void throughTheDaemonTheCommandsUseItsApiAndAFailingRemoteExitsOne() throws Exception {
    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      Files.writeString(workspace.resolve("DECISION-LOG.md"), "## 2026-12-06 chose JGit\n");
      CliRunner.Result now = cli.run("sync", "now", "-o", "json");
      JsonNode report = Json.mapper().readTree(now.out());
      assertThat(report.path("ok").asBoolean()).as(now.out()).isTrue();
      assertThat(report.path("local_changes").asInt()).isEqualTo(2);

      Files.move(remote, dir.resolve("gone.git"));
      CliRunner.Result failed = cli.run("sync", "now");
      JsonNode status = Json.mapper().readTree(cli.run("sync", "status", "-o", "json").out());

      assertThat(failed.code()).isEqualTo(ExitCode.PROBLEM);
      assertThat(failed.out()).startsWith("FAILED: cannot fetch from");
      assertThat(status.path("health").asText()).isEqualTo("degraded");
      assertThat(status.path("health_detail").asText()).contains("the last sync failed");
      assertThat(cli.run("sync", "status").code()).isEqualTo(ExitCode.PROBLEM);
    }
  }

  @Test
  void aManifestWithAnUnknownStrategyStopsTheDaemonWithTheManifestsFileAndLine() throws Exception {
    Files.writeString(
        home.dir().resolve("sync-manifest.yaml"),
        "sync:\n  include: [\"MEMORY.md\"]\n  merge_rules:\n    - pattern: \"MEMORY.md\"\n"
            + "      strategy: \"overwrite\"\n");
    writeConfig("  manifest: sync-manifest.yaml\n");

    assertThatThrownBy(() -> Daemon.start(home, Map.of(), Clock.systemUTC()).close())
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "sync-manifest.yaml:5:17: sync.merge_rules[0].strategy: expected one of append,"
                + " replace, append-date, but was 'overwrite'");
  }

  @Test
  void theSyncLatencyRuleLoadsInTheDoctorsRuleFormat() {
    RuleSource rules = SyncModule.rules();

    RuleLoader.Result loaded = RuleLoader.parse(rules.rulesYaml(), rules.origin());

    assertThat(loaded.problems()).isEmpty();
    assertThat(loaded.rules())
        .singleElement()
        .satisfies(r -> assertThat(r.metrics()).containsExactly("sync.latency_seconds"));
  }
}
