package io.nxs.gateway;

import static io.nxs.gateway.GatewayFixture.chat;
import static io.nxs.gateway.GatewayFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.testkit.upstream.FakeUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Compromise response for a provider key (SEC5): {@code POST /api/v1/providers/{name}/revoke} drops
 * the key at once, leaves it in no file of NXS, and runs the rotation command for a new one.
 */
class CompromiseRevokeTest {

  private static final String STOLEN = "stolen-key-eeee-5555";
  private static final String NEW = "fresh-key-ffff-6666";

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

  private void start(String yaml) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    f = GatewayFixture.start(yaml);
  }

  private Path script(String body) throws IOException {
    Path s = dir.resolve("obtain-key.sh");
    Files.writeString(s, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
    return s;
  }

  private JsonNode revoke(String provider, String body) throws Exception {
    return json(f.postAdmin("/api/v1/providers/" + provider + "/revoke", body).body());
  }

  private List<Path> filesHolding(String secret) throws IOException {
    try (Stream<Path> files = Files.walk(f.home.path())) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> new String(read(p), StandardCharsets.ISO_8859_1).contains(secret))
          .toList();
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String logText() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining());
  }

  @Test
  void aRevokedKeyIsNeverSentAgainAndNoFileOfNxsHoldsIt() throws Exception {
    start(GatewayFixture.providers(a));
    f.postAdmin("/api/v1/providers/a/rotate", "{\"key\":\"" + STOLEN + "\",\"emergency\":true}");
    f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(a.requests().getLast().header("authorization")).isEqualTo("Bearer " + STOLEN);
    assertThat(filesHolding(STOLEN)).isNotEmpty();

    JsonNode r = revoke("a", "{\"reason\":\"pasted into a public issue\"}");

    assertThat(r.path("credential").asText()).isEqualTo("none");
    assertThat(r.path("replacement").asText()).isEqualTo("none");
    assertThat(r.path("still_in_config").asBoolean()).isFalse();
    assertThat(r.path("meaning").asText()).contains("revoke it in the provider's console too");
    f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(a.requests().getLast().header("authorization")).isNotEqualTo("Bearer " + STOLEN);
    assertThat(filesHolding(STOLEN)).isEmpty();
    assertThat(f.auditEntries("security.key_compromise"))
        .last()
        .satisfies(
            e -> {
              assertThat(e.target()).isEqualTo("a");
              assertThat(e.actor()).isEqualTo(f.adminKeyId);
              assertThat(e.details()).containsEntry("reason", "pasted into a public issue");
              assertThat(e.details().get("action").toString())
                  .contains("only the provider can make it stop working");
            });
    assertThat(r.toString()).doesNotContain(STOLEN);
    assertThat(logText()).doesNotContain(STOLEN);
  }

  @Test
  void theRotationCommandRunsAtOnceAndItsKeyIsUsedWithoutOverlap() throws Exception {
    Path command = script("echo " + NEW);
    startWithRotationCommand(command);

    JsonNode r = revoke("a", "{\"reason\":\"laptop stolen\"}");

    assertThat(r.path("replacement").asText()).isEqualTo("obtained");
    assertThat(r.path("credential").asText()).isEqualTo("single");
    assertThat(r.path("still_in_config").asBoolean()).isTrue();
    f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(a.requests().getLast().header("authorization")).isEqualTo("Bearer " + NEW);
    assertThat(Files.readString(f.home.resolve("secrets.yaml")))
        .contains(NEW)
        .doesNotContain("key-of-a");
    assertThat(f.auditEntries("provider.key_replaced")).hasSize(1);
    assertThat(logText()).doesNotContain(NEW).doesNotContain("key-of-a");
  }

  @Test
  void aFailingCommandLeavesTheProviderWithoutAKeyAndSaysWhy() throws Exception {
    Path command = script("exit 4");
    startWithRotationCommand(command);

    JsonNode r = revoke("a", "{\"reason\":\"leaked\"}");

    assertThat(r.path("replacement").asText()).isEqualTo("failed");
    assertThat(r.path("problem").asText()).isEqualTo("exit 4");
    assertThat(r.path("credential").asText()).isEqualTo("none");
  }

  @Test
  void anEmergencyRotationAlsoLeavesTheRetiredKeyInNoFileOfNxs() throws Exception {
    start(GatewayFixture.providers(a));
    f.postAdmin("/api/v1/providers/a/rotate", "{\"key\":\"" + STOLEN + "\",\"emergency\":true}");
    f.postAdmin("/api/v1/providers/a/rotate", "{\"key\":\"" + NEW + "\",\"emergency\":false}");
    assertThat(filesHolding(STOLEN)).isNotEmpty();

    f.postAdmin(
        "/api/v1/providers/a/rotate",
        "{\"key\":\"next-key-gggg-7777\",\"emergency\":true,\"reason\":\"leaked\"}");

    assertThat(filesHolding(STOLEN)).isEmpty();
    assertThat(filesHolding(NEW)).isEmpty();
  }

  @Test
  void badRequestsChangeNothing() throws Exception {
    start(GatewayFixture.providers(a));

    assertThat(f.postAdmin("/api/v1/providers/nope/revoke", "{\"reason\":\"x\"}").statusCode())
        .isEqualTo(404);
    assertThat(f.postAdmin("/api/v1/providers/a/revoke", "{}").statusCode()).isEqualTo(400);
    assertThat(f.postAdmin("/api/v1/providers/a/revoke", "{\"reason\":\"a\\nb\"}").statusCode())
        .isEqualTo(400);
    assertThat(f.post("/api/v1/providers/a/revoke", "{\"reason\":\"read key\"}").statusCode())
        .isEqualTo(403);

    f.post("/v1/chat/completions", chat("nxs-auto"));
    assertThat(a.requests().getLast().header("authorization")).isEqualTo("Bearer key-of-a");
    assertThat(f.auditEntries("security.key_compromise")).isEmpty();
  }

  /** Starts the gateway with provider a's rotation running {@code command}. */
  private void startWithRotationCommand(Path command) throws Exception {
    start(
        GatewayFixture.providers(a)
            .replace(
                "api_key: key-of-a\n",
                "api_key: key-of-a\n    rotation:\n      every: 90d\n      prepare: 7d\n"
                    + "      timeout: 20s\n      command: '"
                    + command
                    + "'\n"));
  }
}
