package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under a stand-in for systemd's notify socket: a real Unix datagram socket (bound by
 * python3, which the JDK cannot do) that records each message, reached through the real {@code
 * systemd-notify} from Debian's systemd package.
 */
class SystemdNotifierTest {

  @TempDir Path dir;

  private Process listener;

  @AfterEach
  void stopListener() {
    if (listener != null) {
      listener.destroyForcibly();
    }
  }

  private Path listen() throws Exception {
    boolean present = Files.isExecutable(Path.of("/usr/bin/systemd-notify"));
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(present, "systemd-notify (Debian systemd) is not installed; .ci/run installs it");
    }
    Path socket = dir.resolve("notify.sock");
    Path log = dir.resolve("received.log");
    listener =
        new ProcessBuilder(
                "python3",
                "-c",
                """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(sys.argv[1])
        print("bound", flush=True)
        with open(sys.argv[2], "a") as log:
            while True:
                log.write(s.recv(4096).decode() + "\\n---\\n")
                log.flush()
        """,
                socket.toString(),
                log.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(new String(listener.getInputStream().readNBytes(5), StandardCharsets.UTF_8))
        .isEqualTo("bound");
    return socket;
  }

  private String received() throws Exception {
    Path log = dir.resolve("received.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void aDaemonUnderSystemdReportsReadyKeepsTheWatchdogFedAndSaysWhenItStops() throws Exception {
    Path socket = listen();
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: 0"));
    Map<String, String> env = Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "400000");

    try (Daemon d = Daemon.start(home, env, Clock.systemUTC())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> received().contains("READY=1"));
      assertThat(received())
          .contains("STATUS=serving on port " + d.port())
          .contains("WATCHDOG_USEC=400000");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> received().split("WATCHDOG=1", -1).length > 2);
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> received().contains("STOPPING=1"));
  }

  @Test
  void aRestartIntoAReleaseIsAReloadForSystemdNotAStop() throws Exception {
    Path socket = listen();
    SystemdNotifier notifier =
        SystemdNotifier.fromEnv(
                Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "30000000"))
            .orElseThrow();
    notifier.reloading();
    await().atMost(Duration.ofSeconds(20)).until(() -> received().contains("RELOADING=1"));
    assertThat(received())
        .as("the watchdog waits for the next release to start")
        .contains("WATCHDOG_USEC=180000000")
        .doesNotContain("STOPPING=1");
  }

  @Test
  void withoutANotifySocketNothingIsSent() {
    assertThat(SystemdNotifier.fromEnv(Map.of("WATCHDOG_USEC", "1000000"))).isEmpty();
  }
}
