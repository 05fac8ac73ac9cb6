package io.nxs.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.app.cli.CliRunner;
import io.nxs.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Doctor's panels in a real Chromium: a daemon whose Doctor probes a service that is down (a
 * real command that exits 1) and has a level-4 healing action waiting for approval.
 */
class DashboardHealingBrowserTest {

  @TempDir Path dir;

  private Daemon daemon;
  private NxsHome home;
  private Path marker;

  @BeforeEach
  void startDaemonWithAFailingService() throws Exception {
    home = new NxsHome(dir.resolve("home"));
    home.initialize();
    marker = dir.resolve("healed");
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 8787", "port: 0")
            + """
        doctor:
          interval: 1s
          services:
            - name: broken
              command: "exit 1"
          healing:
            actions:
              - name: reload-extensions
                level: 4
                command: "echo {{target}} > '%s'"
                on: [service-down]
        """
                .formatted(marker));
    daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 0", "port: " + daemon.port()));
  }

  @AfterEach
  void stopDaemon() {
    daemon.close();
  }

  private String adminKey() throws Exception {
    return Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
  }

  private String readKey() throws Exception {
    CliRunner.Result r =
        new CliRunner(home.dir())
            .run("key", "create", "--scope", "read", "--name", "viewer", "-o", "json");
    return Json.mapper().readTree(r.out()).path("key").asText();
  }

  @Test
  void anIncidentShowsItsRootCauseAndAnAdminApprovesTheWaitingAction() throws Exception {
    try (Browser b = Browser.open(daemon.port())) {
      b.logIn(adminKey());

      assertThat(b.panelWhen("incidents", t -> t.contains("service-down"))).contains("open");
      b.panelWhen("healing", t -> t.contains("AWAITING_APPROVAL"));
      b.screenshot("healing-waiting");
      assertThat(marker).doesNotExist();

      b.find("#panel-healing button").click();

      String after = b.panelWhen("healing", t -> !t.contains("AWAITING_APPROVAL"));
      assertThat(after).containsAnyOf("RUNNING", "VERIFYING", "SUCCEEDED", "FAILED");
      assertThat(marker).hasContent("broken");
      assertThat(b.textOf("#action-line")).contains("Approved");
    }
  }

  @Test
  void aReadKeySeesTheWaitingActionButCannotApproveIt() throws Exception {
    try (Browser b = Browser.open(daemon.port())) {
      b.logIn(readKey());
      b.panelWhen("healing", t -> t.contains("AWAITING_APPROVAL"));

      b.find("#panel-healing button").click();

      assertThat(b.textOf("#action-line")).contains("Approving needs an admin key");
      assertThat(b.panel("healing")).contains("AWAITING_APPROVAL");
      assertThat(marker).doesNotExist();
    }
  }
}
