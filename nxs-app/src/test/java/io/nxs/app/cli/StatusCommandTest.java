package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs status} against a real daemon on loopback. */
class StatusCommandTest {

  @TempDir Path dir;

  private NxsHome home() throws Exception {
    return home(dir);
  }

  /** A new home in {@code dir} whose daemon listens on a free port. */
  static NxsHome home(Path dir) throws Exception {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: 0"));
    return home;
  }

  /** The daemon listens on a free port; the CLI finds it through nxs.yaml, so write it there. */
  private static void pointConfigAt(NxsHome home, int port) throws Exception {
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 0", "port: " + port));
  }

  @Test
  void showsReadinessOnOneScreenWithoutColourWhenNotATerminal() throws Exception {
    NxsHome home = home();
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      pointConfigAt(home, d.port());

      CliRunner.Result r = new CliRunner(home.dir()).run("status");

      assertThat(r.out()).contains("http://127.0.0.1:" + d.port()).contains("ready");
      assertThat(r.out()).doesNotContain("\u001b[");
      assertThat(r.out().lines().count()).isLessThanOrEqualTo(12);
    }
  }

  @Test
  void jsonOutputCarriesTheSameFactsForScripts() throws Exception {
    NxsHome home = home();
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      pointConfigAt(home, d.port());

      CliRunner.Result r = new CliRunner(home.dir()).run("status", "-o", "json");

      JsonNode json = Json.mapper().readTree(r.out());
      assertThat(json.get("ready").asBoolean()).isTrue();
      assertThat(json.at("/modules/audit/ready").asBoolean()).isTrue();
      assertThat(json.has("needs_attention")).isTrue();
      assertThat(r.code()).isEqualTo(json.get("needs_attention").asBoolean() ? 1 : 0);
    }
  }

  @Test
  void aStoppedDaemonIsExitCodeThreeWithOneLine() throws Exception {
    NxsHome home = home();
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      pointConfigAt(home, d.port());
    }

    CliRunner.Result r = new CliRunner(home.dir()).run("status");

    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err().strip()).contains("does not answer").doesNotContain("\n");
  }
}
