package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import io.nxs.testkit.openclaw.OpenClawHome;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nxs session} on a home without a running daemon, over a real OpenClaw home. */
class SessionCliTest {

  @TempDir Path dir;

  @Test
  void listShowsEachAgentsSessionsMessagesAndBytesPerZone() throws Exception {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    OpenClawHome claw = RealSessions.copy(install, dir.resolve("claw"));
    NxsHome home = new NxsHome(dir.resolve("nxs"));
    home.initialize();
    Files.writeString(
        home.config(), "server:\n  port: 0\nopenclaw:\n  home: '" + claw.layout().home() + "'\n");
    CliRunner cli = new CliRunner(home.dir());

    CliRunner.Result text = cli.run("session", "list");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("agent archive (sqlite, schema 23, OpenClaw 2026.9.6)")
        .contains("agent main (sqlite, schema 23")
        .containsPattern("hot\\s+2\\s+4\\s")
        .contains("frozen");

    CliRunner.Result json = cli.run("session", "list", "--agent", "main", "-o", "json");
    JsonNode main = Json.mapper().readTree(json.out()).path("agents").get(0);
    assertThat(main.path("agent").asText()).isEqualTo("main");
    assertThat(main.path("sessions")).hasSize(2);
    assertThat(main.path("sessions").get(0).path("sha256").asText()).hasSize(64);
    assertThat(main.path("zones").path("HOT").path("messages").asLong()).isEqualTo(4);

    CliRunner.Result unfence = cli.run("session", "unfence");
    assertThat(unfence.code()).isNotZero();
    assertThat(unfence.err()).contains("this instance is not fenced");

    CliRunner.Result help = cli.run("session", "migrate", "--help");
    assertThat(help.out()).contains("--to").contains("--key-file").contains("--resume");
  }
}
