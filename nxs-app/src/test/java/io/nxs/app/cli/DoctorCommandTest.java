package io.nxs.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.Daemon;
import io.nxs.app.NxsHome;
import io.nxs.core.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {

  @TempDir Path dir;

  private NxsHome home() {
    NxsHome home = new NxsHome(dir.resolve("home"));
    home.initialize();
    return home;
  }

  @Test
  void rulesListsTheBuiltinsAndCustomOverridesOffline() throws Exception {
    NxsHome home = home();
    Files.writeString(
        home.dir().resolve("rules/mine.yaml"),
        """
        rules:
          - id: disk-space-critical
            severity: high
            condition: "disk.usage_percent > 80"
          - id: gpu-hot
            severity: medium
            condition: "gpu.temperature_c > 85"
        """);

    CliRunner.Result r = new CliRunner(home.dir()).run("doctor", "rules", "-o", "json");

    assertThat(r.code()).isZero();
    JsonNode body = Json.mapper().readTree(r.out());
    assertThat(body.path("rules")).hasSize(io.nxs.doctor.rule.RuleSet.builtin().size() + 1);
    assertThat(body.path("overridden").toString()).contains("disk-space-critical");
    assertThat(r.out()).contains("disk.usage_percent > 80").contains("gpu-hot");
  }

  @Test
  void validateNamesFileLineAndReasonOfEveryErrorAndExitsOne() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        rules:
          - id: ok-rule
            severity: low
            condition: "load.avg1 > 8"
          - id: bad-rule
            severity: low
            condition: "load.avg1 >"
            duration: "soon"
        """);

    CliRunner.Result r = new CliRunner(null).run("doctor", "rules", "--validate", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("ok   ok-rule")
        .contains("FAIL " + file + ":7: rule 'bad-rule': bad expression")
        .contains("FAIL " + file + ":8: rule 'bad-rule': duration: ")
        .contains("1 valid, 1 rejected (2 errors)");
  }

  @Test
  void theSeedRuleFileValidates() throws Exception {
    Path file = dir.resolve("seed-rules.yaml");
    try (var in = getClass().getResourceAsStream("/io/nxs/app/seed-rules.yaml")) {
      Files.write(file, in.readAllBytes());
    }

    CliRunner.Result r = new CliRunner(null).run("doctor", "rules", "--validate", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("3 valid, 0 rejected");
  }

  /**
   * A level-4 action waits for approval and runs after {@code nxs doctor approve}, on a real daemon
   * whose Doctor probes a service that is down.
   */
  @Test
  void aLevelFourActionRunsAfterNxsDoctorApprove() throws Exception {
    NxsHome home = home();
    Path marker = dir.resolve("reloaded");
    String yaml =
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
                .formatted(marker);
    Files.writeString(home.config(), yaml);
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      Files.writeString(home.config(), yaml.replace("port: 0", "port: " + d.port()));
      CliRunner cli = new CliRunner(home.dir());

      JsonNode waiting =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      Json.mapper()
                          .readTree(cli.run("doctor", "status", "-o", "json").out())
                          .path("awaiting_approval"),
                  n -> n.size() == 1)
              .get(0);
      assertThat(marker).doesNotExist();
      CliRunner.Result approve = cli.run("doctor", "approve", waiting.path("id").asText());
      CliRunner.Result again = cli.run("doctor", "approve", waiting.path("id").asText());
      CliRunner.Result incidents = cli.run("doctor", "incidents");
      CliRunner.Result status = cli.run("doctor", "status");

      assertThat(approve.code()).as(approve.err()).isZero();
      assertThat(approve.out())
          .startsWith("approved " + waiting.path("id").asText() + " (reload-extensions, level 4)");
      assertThat(marker).hasContent("broken");
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.err()).contains("not awaiting approval");
      assertThat(incidents.out()).contains("Root Cause: service-down (broken)");
      assertThat(status.out()).startsWith("health ").contains("service-down");
    }
  }

  @Test
  void adviceShowsTheInstancesTheScaleBoundsAndNoRightSizingFromTooFewFigures() throws Exception {
    NxsHome home = home();
    String yaml =
        Files.readString(home.config()).replace("port: 8787", "port: 0")
            + "scaling:\n  min_instances: 3\n  max_instances: 5\n";
    Files.writeString(home.config(), yaml);
    try (Daemon d = Daemon.start(home, Map.of(), Clock.systemUTC())) {
      Files.writeString(home.config(), yaml.replace("port: 0", "port: " + d.port()));
      CliRunner cli = new CliRunner(home.dir());

      CliRunner.Result json = cli.run("doctor", "advice", "-o", "json");
      CliRunner.Result text = cli.run("doctor", "advice");

      assertThat(json.code()).as(json.err()).isZero();
      JsonNode advice = Json.mapper().readTree(json.out());
      assertThat(advice.path("instances").asInt()).isEqualTo(1);
      assertThat(advice.path("min_instances").asInt()).isEqualTo(3);
      assertThat(advice.path("max_instances").asInt()).isEqualTo(5);
      assertThat(advice.path("recommendations")).isEmpty();
      assertThat(text.out())
          .contains("1 instance(s) take work; scale signals stay within 3-5")
          .contains("no right-sizing advised")
          .contains("no scale signal yet");
    }
  }

  @Test
  void daemonCommandsWithoutADaemonExitThree() throws Exception {
    NxsHome home = home();
    Files.writeString(
        home.config(), Files.readString(home.config()).replace("port: 8787", "port: 1"));

    CliRunner.Result r =
        new CliRunner(home.dir(), Map.of("NXS_API_KEY", "x")).run("doctor", "status");

    assertThat(r.code()).isEqualTo(3);
  }
}
