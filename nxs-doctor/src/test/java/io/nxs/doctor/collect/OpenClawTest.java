package io.nxs.doctor.collect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.nxs.doctor.DoctorFixture;
import io.nxs.doctor.alert.Alert;
import io.nxs.doctor.config.DoctorConfig;
import io.nxs.doctor.config.HealingConfig;
import io.nxs.doctor.config.OpenClawConfig;
import io.nxs.doctor.heal.Healer;
import io.nxs.doctor.heal.HealingRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenClaw supervision against a stand-in that keeps the gateway's contract: {@code /readyz}
 * answering 503 with {@code failing:[…]}, {@code openclaw gateway restart} exiting 78 on a
 * configuration error until {@code openclaw doctor --fix} ran, and {@code openclaw doctor --lint
 * --json} printing findings.
 */
class OpenClawTest {

  private static final Duration TEN_S = Duration.ofSeconds(10);

  @TempDir Path dir;
  private HttpServer gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.stop(0);
    }
  }

  /**
   * A gateway whose readiness is the file {@code ready}: present means 200, else 503 failing voice.
   */
  private String startGateway() throws IOException {
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/readyz",
        ex -> {
          boolean ready = Files.exists(dir.resolve("ready"));
          byte[] body =
              (ready ? "{\"ok\":true}" : "{\"ok\":false,\"failing\":[\"voice\"]}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(ready ? 200 : 503, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    gateway.start();
    return "http://127.0.0.1:" + gateway.getAddress().getPort() + "/readyz";
  }

  /** The stand-in {@code openclaw}: logs each call; restart exits 78 until doctor --fix ran. */
  private Path standIn() throws IOException {
    Path script = dir.resolve("openclaw");
    Files.writeString(
        script,
        """
        #!/bin/sh
        d='%s'
        echo "$*" >> "$d/calls"
        case "$*" in
          "gateway restart")
            if [ -f "$d/fixed" ]; then touch "$d/ready"; exit 0; else exit 78; fi ;;
          "doctor --fix --yes --non-interactive")
            touch "$d/fixed"; exit 0 ;;
          "doctor --lint --json")
            echo '{"ok":false,"findings":[{"checkId":"channels.telegram.token","severity":"error","message":"token expired","fixHint":"run openclaw channels login"}]}'
            exit 1 ;;
        esac
        exit 2
        """
            .formatted(dir));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  @Test
  void aConfigErrorOnRestartRunsDoctorFixOnceThenRetriesAndTheGatewayComesBack()
      throws IOException {
    OpenClawConfig oc = new OpenClawConfig(true, startGateway(), standIn().toString());
    DoctorConfig config =
        new DoctorConfig(null, TEN_S, null, null, null, oc, null, null, null, null, null);
    try (DoctorFixture fx = new DoctorFixture(config)) {
      HealingRecord restart = null;
      for (int i = 0; i < 8 && restart == null; i++) {
        fx.tick(TEN_S);
        restart =
            fx.doctor.healingLog(10).stream()
                .filter(
                    r ->
                        r.action().equals(Healer.RESTART_SERVICE)
                            && r.state() == HealingRecord.State.SUCCEEDED)
                .findFirst()
                .orElse(null);
      }

      assertThat(restart).as("restart verified").isNotNull();
      assertThat(restart.target()).isEqualTo(OpenClawCollector.SERVICE);
      assertThat(Files.readAllLines(dir.resolve("calls")))
          .containsSubsequence(
              "gateway restart", "doctor --fix --yes --non-interactive", "gateway restart");
      assertThat(Files.readAllLines(dir.resolve("calls")))
          .filteredOn(c -> c.startsWith("doctor --fix"))
          .hasSize(1);
    }
  }

  @Test
  void readyzFailuresAndLintFindingsBecomeAlerts() throws IOException {
    OpenClawConfig oc = new OpenClawConfig(true, startGateway(), standIn().toString());
    // dry-run healing: the gateway stays unready, so its failing component stays visible
    HealingConfig dryRun = new HealingConfig(true, null, null, null, null, null, null);
    DoctorConfig config =
        new DoctorConfig(null, TEN_S, null, null, null, oc, null, dryRun, null, null, null);
    try (DoctorFixture fx = new DoctorFixture(config)) {
      fx.run(Duration.ofSeconds(80), TEN_S);

      List<Alert> failing =
          fx.doctor.alerts().open().stream()
              .filter(a -> a.ruleId().equals("openclaw-component-failing"))
              .toList();

      assertThat(failing)
          .extracting(a -> a.labels().get("check"))
          .contains("voice", "channels.telegram.token");
      assertThat(failing)
          .filteredOn(a -> a.labels().get("check").equals("channels.telegram.token"))
          .singleElement()
          .satisfies(
              a ->
                  assertThat(a.message())
                      .isEqualTo("OpenClaw channels.telegram.token: token expired"));
    }
  }

  @Test
  void securityFiguresFlagOpenPermissionsAndChangedKeys() throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("keys"));
    Path key = home.resolve("keys/signing.key");
    Files.writeString(key, "secret");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    SecurityCollector c = new SecurityCollector(home, List.of("keys"));

    assertThat(c.collect()).allSatisfy(s -> assertThat(s.value()).isZero());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(key, "tampered");

    assertThat(c.collect())
        .extracting(s -> s.metric() + "=" + s.value())
        .containsExactlyInAnyOrder("security.insecure_file=1.0", "security.integrity_changed=1.0");
    assertThat(c.collect())
        .allSatisfy(s -> assertThat(s.labels()).isEqualTo(Map.of("file", key.toString())));
  }
}
