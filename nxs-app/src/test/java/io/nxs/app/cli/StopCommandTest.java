package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.app.NxsHome;
import io.nxs.testkit.DaemonProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs stop} against a real {@code nxs serve} child process. */
class StopCommandTest {

  @TempDir Path dir;

  /** A home whose nxs.yaml names a free port, so the CLI finds the daemon there. */
  private Path homeOnAFreePort() throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: " + port));
    return home.dir();
  }

  @Test
  void stopsTheDaemonGracefullyWaitsForItsExitAndAuditsWhoAsked() throws Exception {
    Path home = homeOnAFreePort();
    DaemonProcess daemon = DaemonProcess.start(Main.class.getName(), home, Duration.ofSeconds(60));

    CliRunner.Result stop = new CliRunner(home).run("stop");

    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("stopping NXS (pid " + daemon.pid() + ")").contains("stopped");
    assertThat(daemon.awaitExit(Duration.ofSeconds(5))).isZero();
    assertThat(daemon.output())
        .contains("stopping: draining in-flight requests")
        .contains("stopped");
    CliRunner.Result audit =
        new CliRunner(home).run("audit", "query", "--type", "nxs.*", "-o", "json");
    assertThat(audit.out()).contains("nxs.stop_requested").contains("\"nxs.stop\"");
    assertThat(audit.out()).containsPattern("\"actor\"\\s*:\\s*\"k_");
  }

  @Test
  void exitsThreeWhenNoDaemonAnswers() throws Exception {
    Path home = homeOnAFreePort();
    DaemonProcess.start(Main.class.getName(), home, Duration.ofSeconds(60))
        .terminate(Duration.ofSeconds(30));

    CliRunner.Result stop = new CliRunner(home).run("stop");

    assertThat(stop.code()).isEqualTo(ExitCode.UNREACHABLE);
    assertThat(stop.err()).contains("does not answer");
  }
}
