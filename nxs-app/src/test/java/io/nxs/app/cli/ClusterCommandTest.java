package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs cluster status|conflicts|approve|reject} against a running daemon. */
class ClusterCommandTest {

  @TempDir Path dir;
  private NxsHome home;
  private Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private void start(String cluster) throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(home.config(), "server:\n  port: " + port + "\n" + cluster);
    daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
  }

  private CliRunner.Result nxs(String... args) {
    return new CliRunner(home.dir()).run(args);
  }

  @Test
  void aSingleNodeSaysItRunsAlone() throws Exception {
    start("");
    CliRunner.Result status = nxs("cluster", "status");
    assertThat(status.code()).isZero();
    assertThat(status.out()).contains("runs alone (cluster.enabled: false)");
    assertThat(nxs("cluster", "conflicts").out()).contains("no conflicts");
  }

  @Test
  void aOneNodeClusterShowsItsMemberLeaseAndAnEmptyReviewQueue() throws Exception {
    start(
        """
        cluster:
          enabled: true
          name: solo
          node_id: edge-1
          bind: 127.0.0.1:0
          region: eu-west
          heartbeat: 200ms
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(nxs("cluster", "status").out())
                    .contains("agent lease: edge-1 (fencing token 1)"));
    CliRunner.Result status = nxs("cluster", "status");
    assertThat(status.code()).isZero();
    assertThat(status.out())
        .contains("node edge-1 at 127.0.0.1:")
        .contains("majority side, coordinator")
        .containsPattern("edge-1 \\* +(ACTIVE|DEGRADED) +0\\.\\d{3} +eu-west");

    var json = Json.mapper().readTree(nxs("cluster", "status", "-o", "json").out());
    assertThat(json.path("node_id").asText()).isEqualTo("edge-1");
    assertThat(json.path("lease").path("held_here").asBoolean()).isTrue();

    CliRunner.Result conflicts = nxs("cluster", "conflicts");
    assertThat(conflicts.code()).isZero();
    assertThat(conflicts.out()).contains("no conflicts");

    CliRunner.Result bad = nxs("cluster", "approve", "../keys");
    assertThat(bad.code()).isEqualTo(ExitCode.USAGE);
    assertThat(bad.err()).contains("a conflict id is hex");
    CliRunner.Result unknown = nxs("cluster", "reject", "deadbeef00");
    assertThat(unknown.code()).isEqualTo(ExitCode.PROBLEM);
    assertThat(unknown.err()).contains("no conflict 'deadbeef00'");
  }
}
