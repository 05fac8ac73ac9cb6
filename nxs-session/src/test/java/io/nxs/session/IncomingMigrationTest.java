package io.nxs.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.session.migrate.Handshake;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.BundleFile;
import io.nxs.session.transfer.Chunk;
import io.nxs.session.transfer.ChunkCodec;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target's side of the protocol on a real NXS HTTP server whose OpenClaw is real: what it
 * refuses before a byte moves, and what it does with bad chunks — each a clear error, nothing
 * written.
 */
class IncomingMigrationTest {

  @TempDir static Path dir;
  static Node target;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String INCOMING = "/api/v1/migrations/incoming";

  @BeforeAll
  static void target() {
    OpenClawInstall install = OpenClawInstall.assumeInstalled();
    target =
        new Node(
            dir.resolve("b"),
            RealSessions.fresh(install, dir.resolve("b-claw")),
            SessionConfig.defaults(),
            Instant.now());
  }

  @AfterAll
  static void stop() {
    if (target != null) {
      target.close();
    }
  }

  static HttpResponse<String> send(String method, String path, byte[] body, String key)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(target.url() + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> json(String method, String path, Object body) throws Exception {
    return send(method, path, Json.write(body).getBytes(StandardCharsets.UTF_8), target.adminKey);
  }

  static Handshake offer(String id, int protocol, String openclaw) {
    return new Handshake(
        id,
        protocol,
        "test-source",
        openclaw,
        23,
        List.of(new Handshake.AgentSize("main", 4096, "HOT", List.of("agent:main:alpha"))));
  }

  static String error(HttpResponse<String> r) throws Exception {
    return Json.mapper().readTree(r.body()).path("error").path("message").asText();
  }

  @Test
  void aWrongKeyIsRefusedAndNothingIsRecorded() throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            INCOMING,
            Json.write(offer("wrong-key-0001", 1, "2026.9.6")).getBytes(StandardCharsets.UTF_8),
            "nxs_not-a-key-of-this-instance");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(target.module.migrations().find("wrong-key-0001")).isEmpty();
  }

  @Test
  void anotherProtocolOrANewerOpenClawIsRefusedBeforeAByteMoves() throws Exception {
    HttpResponse<String> protocol = json("POST", INCOMING, offer("proto-00000001", 2, "2026.9.6"));
    assertThat(protocol.statusCode()).isEqualTo(409);
    assertThat(error(protocol))
        .contains("the source speaks migration protocol 2, this NXS speaks 1")
        .contains("upgrade the older NXS first");

    HttpResponse<String> newer = json("POST", INCOMING, offer("newer-00000001", 1, "2099.1.1"));
    assertThat(newer.statusCode()).isEqualTo(409);
    assertThat(error(newer))
        .contains("written by OpenClaw 2099.1.1, newer than this target's 2026.9.6")
        .contains("upgrade OpenClaw here first");

    assertThat(target.module.migrations().find("proto-00000001")).isEmpty();
    assertThat(target.module.migrations().find("newer-00000001")).isEmpty();
    assertThat(json("GET", INCOMING + "/newer-00000001", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void aTruncatedOrDamagedChunkIsRefusedAndNothingIsWritten() throws Exception {
    String id = "chunks-00000001";
    HttpResponse<String> accepted = json("POST", INCOMING, offer(id, 1, "2026.9.6"));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
    assertThat(Json.mapper().readTree(accepted.body()).path("accepted").get(0).asText())
        .isEqualTo("main");

    byte[] data = "SQLite format 3\0 and some pages".repeat(200).getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    Bundle bundle =
        new Bundle(
            1,
            Instant.now(),
            "2026.9.6",
            List.of(),
            List.of(new BundleFile("bulk/main/database.sqlite", data.length, sha)));
    HttpResponse<String> registered = json("PUT", INCOMING + "/" + id + "/bundle", bundle);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

    ChunkCodec codec = new ChunkCodec(null);
    byte[] first = codec.encode(new Chunk(0, 0, Arrays.copyOf(data, 4000)));

    HttpResponse<String> cut =
        send(
            "PUT",
            INCOMING + "/" + id + "/chunks",
            Arrays.copyOf(first, first.length - 7),
            target.adminKey);
    assertThat(cut.statusCode()).isEqualTo(400);
    assertThat(error(cut)).contains("is truncated").contains("nothing was written");

    byte[] damaged = first.clone();
    damaged[30] ^= 1;
    HttpResponse<String> bad =
        send("PUT", INCOMING + "/" + id + "/chunks", damaged, target.adminKey);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(error(bad)).contains("fails its SHA-256 check");

    JsonNode status = Json.mapper().readTree(json("GET", INCOMING + "/" + id, Map.of()).body());
    assertThat(status.path("bytes_done").asLong()).isZero();
    Path staged = target.home.resolve("sessions/incoming/" + id + "/bulk/main/database.sqlite");
    assertThat(Files.exists(staged) ? Files.size(staged) : 0L).isZero();

    HttpResponse<String> good =
        send("PUT", INCOMING + "/" + id + "/chunks", first, target.adminKey);
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
    assertThat(Json.mapper().readTree(good.body()).path("received").asLong()).isEqualTo(4000);

    HttpResponse<String> again =
        send("PUT", INCOMING + "/" + id + "/chunks", first, target.adminKey);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(error(again)).contains("out of order: 4000 bytes");

    HttpResponse<String> early = json("POST", INCOMING + "/" + id + "/commit", Map.of());
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(error(early)).contains("has 4000 of " + data.length + " bytes here");
  }
}
