package io.nxs.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.session.migrate.Handshake;
import io.nxs.session.transfer.Bundle;
import io.nxs.session.transfer.BundleFile;
import io.nxs.session.transfer.Chunk;
import io.nxs.session.transfer.ChunkCodec;
import io.nxs.session.transfer.StorePatch;
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
            Json.write(offer("wrong-key-0001", Bundle.PROTOCOL, "2026.9.6"))
                .getBytes(StandardCharsets.UTF_8),
            "nxs_not-a-key-of-this-instance");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(target.module.migrations().find("wrong-key-0001")).isEmpty();
  }

  @Test
  void anotherProtocolOrANewerOpenClawIsRefusedBeforeAByteMoves() throws Exception {
    HttpResponse<String> protocol = json("POST", INCOMING, offer("proto-00000001", 1, "2026.9.6"));
    assertThat(protocol.statusCode()).isEqualTo(409);
    assertThat(error(protocol))
        .contains("the source speaks migration protocol 1, this NXS speaks 2")
        .contains("upgrade the older NXS first");

    HttpResponse<String> newer =
        json("POST", INCOMING, offer("newer-00000001", Bundle.PROTOCOL, "2099.1.1"));
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
    HttpResponse<String> accepted = json("POST", INCOMING, offer(id, Bundle.PROTOCOL, "2026.9.6"));
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

  /** Sends a file of a bundle in 64 KiB chunks; returns the bytes that went over the wire. */
  static long sendFile(String id, int index, byte[] data) throws Exception {
    ChunkCodec codec = new ChunkCodec(null);
    long wire = 0;
    for (int at = 0; at < data.length; at += 64 * 1024) {
      byte[] frame =
          codec.encode(
              new Chunk(
                  index, at, Arrays.copyOfRange(data, at, Math.min(data.length, at + 64 * 1024))));
      HttpResponse<String> r = send("PUT", INCOMING + "/" + id + "/chunks", frame, target.adminKey);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      wire += frame.length;
    }
    return wire;
  }

  static Handshake.Plan handshake(String id) throws Exception {
    HttpResponse<String> r = json("POST", INCOMING, offer(id, Bundle.PROTOCOL, "2026.9.6"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.mapper().readValue(r.body(), Handshake.Plan.class);
  }

  static String sha(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void aProbeOfTheLinkIsCountedAndDroppedForAMigrationUnderWayOnly() throws Exception {
    handshake("probe-00000001");
    HttpResponse<String> counted =
        send("PUT", INCOMING + "/probe-00000001/probe", new byte[100_000], target.adminKey);
    assertThat(counted.statusCode()).as(counted.body()).isEqualTo(200);
    assertThat(Json.mapper().readTree(counted.body()).path("received").asLong()).isEqualTo(100_000);

    HttpResponse<String> unknown =
        send("PUT", INCOMING + "/probe-00000002/probe", new byte[10], target.adminKey);
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void aProbeThatIsAChunkIsCheckedAndWrittenAsOneThenDropped() throws Exception {
    handshake("probe-00000003");
    byte[] frame = new ChunkCodec(null).encode(new Chunk(0, 0, new byte[1 << 20]));
    HttpResponse<String> handled =
        send("PUT", INCOMING + "/probe-00000003/probe", frame, target.adminKey);
    assertThat(handled.statusCode()).as(handled.body()).isEqualTo(200);
    assertThat(Json.mapper().readTree(handled.body()).path("received").asLong())
        .isEqualTo(frame.length);
    Path dir = target.home.resolve("sessions/incoming/probe-00000003");
    if (Files.isDirectory(dir)) {
      try (var left = Files.list(dir)) {
        assertThat(left).noneMatch(p -> p.getFileName().toString().startsWith("probe-"));
      }
    }

    byte[] damaged = frame.clone();
    damaged[damaged.length - 1] ^= 1;
    HttpResponse<String> refused =
        send("PUT", INCOMING + "/probe-00000003/probe", damaged, target.adminKey);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("the probe chunk");
  }

  @Test
  void aStoreSentBeforeIsTheBaseOfTheNextAndOnlyWhatChangedMoves() throws Exception {
    String store = "bulk/main/snap-1/database.sqlite";
    // A store of text-like pages (compressible), then the same store grown by 2 % of new pages.
    java.util.Random random = new java.util.Random(11);
    byte[] first = new byte[4 << 20];
    random.nextBytes(first);
    for (int i = 0; i < first.length; i++) {
      first[i] = (byte) ('a' + (first[i] & 0x0f));
    }
    byte[] added = new byte[first.length / 50];
    random.nextBytes(added);
    byte[] grown = Arrays.copyOf(first, first.length + added.length);
    System.arraycopy(added, 0, grown, first.length, added.length);

    String firstSha = sha(first);

    // The first migration sends the store whole; the target keeps it.
    handshake("delta-00000001");
    Bundle whole =
        new Bundle(
            1,
            Instant.now(),
            "2026.9.6",
            List.of(),
            List.of(new BundleFile(store, first.length, sha(first))));
    assertThat(json("PUT", INCOMING + "/delta-00000001/bundle", whole).statusCode()).isEqualTo(200);
    long wholeWire = sendFile("delta-00000001", 0, first);

    // The next one: the target offers that store, the source sends a patch against it.
    Handshake.Plan plan = handshake("delta-00000002");
    assertThat(plan.base("main"))
        .hasValueSatisfying(b -> assertThat(b.sha256()).isEqualTo(firstSha));
    Path source = dir.resolve("delta-source");
    Files.createDirectories(source);
    Path patch = source.resolve("patch");
    StorePatch.write(
        Files.write(source.resolve("first"), first),
        Files.write(source.resolve("grown"), grown),
        patch);
    byte[] patchBytes = Files.readAllBytes(patch);
    Bundle delta =
        new Bundle(
            1,
            Instant.now(),
            "2026.9.6",
            List.of(),
            List.of(
                new BundleFile(
                    "bulk/main/snap-2.database.patch",
                    patchBytes.length,
                    sha(patchBytes),
                    new BundleFile.Patch(
                        "bulk/main/snap-2/database.sqlite",
                        grown.length,
                        sha(grown),
                        sha(first)))));
    assertThat(json("PUT", INCOMING + "/delta-00000002/bundle", delta).statusCode()).isEqualTo(200);
    long deltaWire = sendFile("delta-00000002", 0, patchBytes);

    // What moved is the new pages (random, incompressible) and little else.
    assertThat(deltaWire).isLessThan(added.length + added.length / 5);
    assertThat(deltaWire).isLessThan(wholeWire / 10);
    Path rebuilt =
        target.home.resolve("sessions/incoming/delta-00000002/bulk/main/snap-2/database.sqlite");
    assertThat(Files.readAllBytes(rebuilt)).isEqualTo(grown);

    // That rebuilt store is now the newest base; damaged here, it is not offered any more.
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(rebuilt.toFile(), "rw")) {
      f.seek(100);
      f.write(grown[100] ^ 1);
    }
    Handshake.Plan third = handshake("delta-00000003");
    assertThat(third.base("main"))
        .hasValueSatisfying(b -> assertThat(b.sha256()).isEqualTo(firstSha));

    // A patch whose base is damaged after the handshake is refused, nothing acknowledged: the
    // source sends the store whole instead.
    Path kept = target.home.resolve("sessions/incoming/delta-00000001/" + store);
    byte[] other = new byte[first.length];
    random.nextBytes(other);
    Files.write(kept, other);
    assertThat(json("PUT", INCOMING + "/delta-00000003/bundle", delta).statusCode()).isEqualTo(200);
    ChunkCodec codec = new ChunkCodec(null);
    HttpResponse<String> refused =
        send(
            "PUT",
            INCOMING + "/delta-00000003/chunks",
            codec.encode(new Chunk(0, 0, patchBytes)),
            target.adminKey);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(Json.mapper().readTree(refused.body()).path("error").path("code").asText())
        .isEqualTo("patch_base");
    assertThat(error(refused)).contains("does not rebuild here");
    JsonNode status =
        Json.mapper().readTree(json("GET", INCOMING + "/delta-00000003", Map.of()).body());
    assertThat(status.path("bytes_done").asLong()).isZero();
  }
}
