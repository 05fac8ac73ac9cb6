package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.nxs.core.config.ConfigException;
import io.nxs.core.config.ConfigLoader;
import io.nxs.testkit.upstream.FakeUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Scheduled key rotation (SEC5): a real command obtains the key, the overlap does the rest. */
class ScheduledRotationTest {

  private static final String OLD = "old-key-aaaa-1111";
  private static final String NEW = "scheduled-key-cccc-3333";
  private static final String LEAK = "stderr-secret-dddd-4444";

  @TempDir Path dir;

  private final FakeUpstream a = FakeUpstream.start("a");
  private final ch.qos.logback.core.read.ListAppender<ILoggingEvent> logs =
      new ch.qos.logback.core.read.ListAppender<>();
  private GatewayFixture f;

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (f != null) {
      f.close();
    }
    a.close();
  }

  /** A command that counts its runs in {@code runs} and behaves as {@code body} says. */
  private Path script(String body) throws IOException {
    Path s = dir.resolve("obtain-key.sh");
    Files.writeString(s, "#!/bin/sh\necho run >> '" + dir.resolve("runs") + "'\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
    return s;
  }

  private void start(Path command) {
    start(command, "20s");
  }

  private void start(Path command, String timeout) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    f =
        GatewayFixture.start(
            GatewayFixture.providers(a)
                .replace(
                    "api_key: key-of-a\n",
                    "api_key: "
                        + OLD
                        + "\n    rotation:\n      every: 90d\n      prepare: 7d\n"
                        + "      timeout: "
                        + timeout
                        + "\n      command: '"
                        + command
                        + "'\n"));
    f.module.keyRotation().check(); // the key's age starts now
  }

  private long runs() throws IOException {
    Path runs = dir.resolve("runs");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  private String credentialState() throws Exception {
    return json(f.get("/api/v1/providers", f.key).body())
        .at("/providers/0/credential/state")
        .asText();
  }

  private double failuresInARow() {
    return f.metrics.get("nxs.gateway.rotation.failures").tag("provider", "a").gauge().value();
  }

  private String logText() {
    return logs.list.stream()
        .map(e -> e.getFormattedMessage() + " " + e.getThrowableProxy())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void beforeEveryMinusPrepareNothingRuns() throws Exception {
    start(script("echo " + NEW));

    f.clock.advance(Duration.ofDays(82));
    f.module.keyRotation().check();

    assertThat(runs()).isZero();
    assertThat(credentialState()).isEqualTo("single");
  }

  @Test
  void aDueKeyRunsTheCommandOnceAndStartsTheOverlapWithItsKey() throws Exception {
    start(script("echo " + NEW + "; echo second-line-ignored"));

    f.clock.advance(Duration.ofDays(83));
    f.module.keyRotation().check();
    f.module.keyRotation().check();

    assertThat(runs()).isEqualTo(1);
    assertThat(credentialState()).isEqualTo("overlap");
    assertThat(f.post("/v1/chat/completions", chat("nxs-auto")).statusCode()).isEqualTo(200);
    assertThat(a.requests().getLast().header("authorization")).isEqualTo("Bearer " + NEW);
    assertThat(f.auditEntries("provider.key_rotation_started"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("scheduler");
              assertThat(e.details()).containsEntry("reason", "scheduled: key age 83 days");
            });
    assertThat(Files.readString(f.home.resolve("secrets.yaml"))).contains(NEW);
    assertThat(logText()).doesNotContain(NEW).doesNotContain(OLD);
  }

  @Test
  void aFailingCommandIsAuditedWithoutItsOutputAndTriedAgainAtTheNextCheck() throws Exception {
    Path command = script("echo " + LEAK + " >&2; echo " + NEW + "; exit 3");
    start(command);
    f.clock.advance(Duration.ofDays(83));

    f.module.keyRotation().check();

    assertThat(runs()).isEqualTo(1);
    assertThat(credentialState()).isEqualTo("single");
    assertThat(f.auditEntries("provider.key_rotation_failed"))
        .singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("problem", "exit 3"));
    assertThat(f.auditEntries("provider.key_rotation_failed").toString())
        .doesNotContain(LEAK)
        .doesNotContain(NEW);
    assertThat(logText())
        .contains("rotation command for a failed: exit 3")
        .doesNotContain(LEAK)
        .doesNotContain(NEW);
    assertThat(failuresInARow()).isEqualTo(1.0);

    Files.writeString(
        command, "#!/bin/sh\necho run >> '" + dir.resolve("runs") + "'\necho " + NEW + "\n");
    f.clock.advance(Duration.ofHours(1));
    f.module.keyRotation().check();

    assertThat(runs()).isEqualTo(2);
    assertThat(credentialState()).isEqualTo("overlap");
    assertThat(failuresInARow()).isZero();
  }

  @Test
  void aCommandPastItsTimeLimitIsStoppedAuditedAndTriedAgainAtTheNextCheck() throws Exception {
    // exec: the sleep is the command's own process, so stopping it closes its output too.
    start(script("exec sleep 60"), "1s");
    f.clock.advance(Duration.ofDays(83));

    f.module.keyRotation().check();

    assertThat(runs()).isEqualTo(1);
    assertThat(credentialState()).isEqualTo("single");
    assertThat(f.auditEntries("provider.key_rotation_failed"))
        .singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("problem", "timed out after 1s"));
    assertThat(logText()).contains("rotation command for a failed: timed out after 1s");
    assertThat(failuresInARow()).isEqualTo(1.0);

    f.clock.advance(Duration.ofHours(1));
    f.module.keyRotation().check();

    assertThat(runs()).as("tried again at the next check").isEqualTo(2);
    assertThat(failuresInARow()).isEqualTo(2.0);
  }

  @Test
  void aBadOrUnknownRotationKeyIsAConfigErrorWithFileAndLine() {
    List<io.nxs.core.config.ConfigSection<?>> sections = new GatewayModule().configSections();
    String base = "providers:\n  - name: a\n    base_url: http://127.0.0.1:1/v1\n    rotation:\n";

    assertThatThrownBy(
            () ->
                new ConfigLoader(sections, Map.of())
                    .parse(base + "      every: 7d\n      command: x\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:")
        .hasMessageContaining("rotation.prepare must be >= 0 and below rotation.every (7d)");
    assertThatThrownBy(
            () ->
                new ConfigLoader(sections, Map.of())
                    .parse(base + "      evry: 90d\n      command: x\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nxs.yaml:5:")
        .hasMessageContaining("evry");
    assertThatThrownBy(
            () ->
                new ConfigLoader(sections, Map.of()).parse(base + "      every: 90d\n", "nxs.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rotation.command must name the program");
  }
}
