package io.nxs.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Sync panel in a real headless Chromium: a daemon syncing a workspace with a bare remote. */
class DashboardSyncBrowserTest {

  @TempDir Path dir;

  @Test
  void theSyncPanelShowsTheLastRunAndThenTheFailureOfARemoteThatIsGone() throws Exception {
    Path remote = dir.resolve("agent.git");
    Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    Files.writeString(workspace.resolve("MEMORY.md"), "The user likes tea.\n");
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(),
        Files.readString(home.config()).replace("port: 8787", "port: 0")
            + "\nsync:\n  remote: \""
            + remote
            + "\"\n  workspace: \""
            + workspace
            + "\"\n  node: home\n  interval: 1h\n");
    try (Daemon daemon = Daemon.start(home, Map.of(), Clock.systemUTC());
        Browser b = Browser.open(daemon.port())) {
      String key = Files.readString(home.adminKey(), StandardCharsets.UTF_8).strip();
      syncNow(daemon.port(), key);
      b.logIn(key);

      assertThat(b.panelWhen("sync", t -> t.contains("last sync") && t.contains("ok")))
          .contains("home: " + workspace)
          .contains("No conflicts.");

      Files.move(remote, dir.resolve("gone.git"));
      syncNow(daemon.port(), key);
      b.driver.navigate().refresh();

      assertThat(b.panelWhen("sync", t -> t.contains("failed")))
          .contains("degraded")
          .contains("cannot fetch from");
      b.screenshot("sync-failed");
    }
  }

  private static void syncNow(int port, String key) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sync/now"))
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }
}
