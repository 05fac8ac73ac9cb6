package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.cli.CliRunner;
import io.nxs.testkit.DaemonProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs serve} as a real child process: start-up output, SIGTERM, secrets in logs. */
class DaemonProcessTest {

  @TempDir Path dir;

  static Path homeOnFreePort(Path dir) throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: 0"));
    return home.dir();
  }

  @Test
  void printsWhereTheKeyIsAndStopsCleanlyOnSigterm() throws Exception {
    Path home = homeOnFreePort(dir);
    DaemonProcess daemon =
        DaemonProcess.start(io.nxs.app.cli.Main.class.getName(), home, Duration.ofSeconds(60));
    String key = daemon.adminKey();

    HttpResponse<String> bad =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(daemon.baseUrl() + "/api/v1/keys"))
                    .header("Authorization", "Bearer nxs_definitely_not_a_real_key_0000")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    int exit = daemon.terminate(Duration.ofSeconds(30));

    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(exit).isZero();
    assertThat(daemon.output())
        .contains("Admin API key: " + home.resolve("keys/admin.key"))
        .contains("stopped")
        .doesNotContain(key)
        .doesNotContain("nxs_definitely_not_a_real_key_0000");
    CliRunner.Result stop =
        new CliRunner(home).run("audit", "query", "--type", "nxs.*", "-o", "json");
    assertThat(stop.out()).contains("nxs.stop");
  }
}
