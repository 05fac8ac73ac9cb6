package io.nxs.session;

import io.nxs.session.migrate.MigrationRecord;
import io.nxs.session.restore.StoreImporter;
import io.nxs.session.store.AgentStore;
import io.nxs.session.store.OnlineCopy;
import io.nxs.session.transfer.BundleFile;
import io.nxs.session.transfer.ChunkCodec;
import io.nxs.session.transfer.ChunkSender;
import io.nxs.session.transfer.SnapshotExporter;
import io.nxs.session.transfer.StorePatch;
import io.nxs.testkit.openclaw.OpenClawInstall;
import io.nxs.testkit.openclaw.RealSessions;
import io.nxs.testkit.openclaw.TranscriptGrower;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Session migration benchmark (not a test): grows a real OpenClaw store (real turns for the shape,
 * {@link TranscriptGrower} for the size) to N messages and migrates it between two NXS instances in
 * this JVM over loopback.
 *
 * <pre>
 *   MigrationBench nxs  N   NXS's own path: online copy + digests, chunks over HTTP (zstd,
 *                           SHA-256, fsync), digests of the received store — no OpenClaw CLI
 *   MigrationBench full N   the whole migration, OpenClaw's backup/restore/doctor/sessions list
 *                           included; per-state durations
 * </pre>
 *
 * Run with {@code -Xmx256m} to check the heap goal; the peak heap is printed.
 */
public final class MigrationBench {

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int messages = Integer.parseInt(args[1]);
    Path dir = Files.createTempDirectory("nxs-session-bench-");
    OpenClawInstall install =
        OpenClawInstall.find().orElseThrow(() -> new IllegalStateException("no OpenClaw"));
    var claw = RealSessions.copy(install, dir.resolve("a-claw"));
    long grow = System.nanoTime();
    int pairs = Math.max(1, (messages - 2) / 2);
    new TranscriptGrower(claw.layout().agentDatabase("main")).grow("agent:main:alpha", pairs);
    System.out.printf("grew agent:main:alpha by %d messages in %d ms%n", 2 * pairs, ms(grow));
    SessionConfig config = SessionConfig.defaults();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("messages", 2 * pairs + 4);
    result.put("store_bytes", Files.size(claw.layout().agentDatabase("main")));
    try (Node source = new Node(dir.resolve("a"), claw, config, Instant.now());
        Node target =
            new Node(
                dir.resolve("b"),
                RealSessions.fresh(install, dir.resolve("b-claw")),
                config,
                Instant.now())) {
      if (mode.equals("nxs")) {
        nxsPath(source, target, dir, config, result);
      } else if (mode.equals("delta")) {
        deltaPath(source, target, dir, config, result, pairs);
      } else {
        fullPath(source, target, result);
      }
    }
    result.put("peak_heap_mib", peakHeap() >> 20);
    result.put("max_heap_mib", Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("RESULT " + io.nxs.core.Json.write(result));
    io.nxs.core.state.SecureFiles.deleteTree(dir);
    System.exit(0);
  }

  private static void nxsPath(
      Node source, Node target, Path dir, SessionConfig config, Map<String, Object> out)
      throws Exception {
    // Export: a consistent online copy of the live store and every session's digest.
    long t = System.nanoTime();
    Path staged = dir.resolve("staged");
    Path snapshot = staged.resolve("bulk/main/database.sqlite");
    OnlineCopy.copy(source.claw.layout().agentDatabase("main"), snapshot);
    AgentSessions digests;
    try (AgentStore store = AgentStore.open(snapshot)) {
      digests = store.read("main", config.zones(), Instant.now());
    }
    var file = SnapshotExporter.describe(staged, "bulk/main/database.sqlite");
    long export = ms(t);

    // Transfer: handshake, bundle, chunks over loopback HTTP to the target's API.
    t = System.nanoTime();
    String id = java.util.UUID.randomUUID().toString();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    offer(http, target, id, file);
    long handshake = ms(t);
    t = System.nanoTime();
    var bundle =
        new io.nxs.session.transfer.Bundle(1, Instant.now(), "2026.9.6", List.of(), List.of(file));
    call(
        http,
        target,
        "PUT",
        "/api/v1/migrations/incoming/" + id + "/bundle",
        io.nxs.core.Json.write(bundle).getBytes());
    try (ChunkSender sender =
        new ChunkSender(new ChunkCodec(null), (int) config.chunkSize().bytes(), 0)) {
      sender.send(
          staged,
          List.of(file),
          new long[1],
          (c, frame) ->
              call(http, target, "PUT", "/api/v1/migrations/incoming/" + id + "/chunks", frame));
    }
    long transfer = ms(t);

    // Import (NXS's part): the received store's digests equal the source's.
    t = System.nanoTime();
    Path received = target.home.resolve("sessions/incoming/" + id + "/bulk/main/database.sqlite");
    try (AgentStore store = AgentStore.open(received)) {
      StoreImporter.compare(digests, store.read("main", config.zones(), Instant.now()), "received");
    }
    long check = ms(t);
    out.put("mode", "nxs");
    out.put("export_ms", export);
    out.put("handshake_ms", handshake);
    out.put("transfer_ms", transfer);
    out.put("check_ms", check);
    out.put("end_to_end_ms", export + transfer + check);
    out.put("snapshot_bytes", file.size());
  }

  /**
   * A store migrated before, grown by 1 % of its messages, migrated again: sent whole and sent as a
   * patch against the copy the target kept, side by side in one run. The target rebuilds the store
   * before it acknowledges the patch's last chunk, so the delta's transfer time includes it; the
   * rebuilt store's digests are then compared with the source's.
   */
  private static void deltaPath(
      Node source, Node target, Path dir, SessionConfig config, Map<String, Object> out, int pairs)
      throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Path staged = dir.resolve("staged");
    String first = "bulk/main/snap-1/database.sqlite";
    OnlineCopy.copy(source.claw.layout().agentDatabase("main"), staged.resolve(first));
    BundleFile firstFile = SnapshotExporter.describe(staged, first);
    long t = System.nanoTime();
    long firstWire = migrate(http, target, staged, config, firstFile, null);
    out.put("first_whole_ms", ms(t));
    out.put("first_wire_bytes", firstWire);

    int more = Math.max(1, pairs / 100);
    new TranscriptGrower(source.claw.layout().agentDatabase("main")).grow("agent:main:beta", more);
    String second = "bulk/main/snap-2/database.sqlite";
    OnlineCopy.copy(source.claw.layout().agentDatabase("main"), staged.resolve(second));
    AgentSessions digests;
    try (AgentStore store = AgentStore.open(staged.resolve(second))) {
      digests = store.read("main", config.zones(), Instant.now());
    }
    BundleFile secondFile = SnapshotExporter.describe(staged, second);
    out.put("grown_messages", 2 * more);
    out.put("second_store_bytes", secondFile.size());

    // What `session.migration.delta: auto` would choose here, from the figures it measures: a
    // real chunk of the store sent twice to the target's probe (the link and the target's
    // per-chunk work), compression by that chunk, the patch rate by two sample patches.
    String probing = "probe-" + java.util.UUID.randomUUID();
    offer(http, target, probing, secondFile);
    t = System.nanoTime();
    io.nxs.session.migrate.DeltaChoice.Decision auto =
        io.nxs.session.migrate.DeltaChoice.decide(
            "main",
            io.nxs.session.migrate.DeltaChoice.measure(
                staged.resolve(first),
                staged.resolve(second),
                (int) config.chunkSize().bytes(),
                frame -> {
                  long p = System.nanoTime();
                  call(
                      http,
                      target,
                      "PUT",
                      "/api/v1/migrations/incoming/" + probing + "/probe",
                      frame);
                  return (System.nanoTime() - p) / 1e9;
                },
                0,
                e -> {
                  throw new IllegalStateException(e);
                }));
    out.put("auto_measure_ms", ms(t));
    out.put("auto_choice", auto.patch() ? "patch" : "whole");
    out.put("auto_whole_seconds_estimate", auto.wholeSeconds());
    out.put("auto_patch_seconds_estimate", auto.patchSeconds());
    out.put("auto_figures", auto.figures());

    t = System.nanoTime();
    String patch = "bulk/main/snap-2.database.patch";
    StorePatch.write(staged.resolve(first), staged.resolve(second), staged.resolve(patch));
    long patchMs = ms(t);
    BundleFile described = SnapshotExporter.describe(staged, patch);
    BundleFile patchFile =
        new BundleFile(
            patch,
            described.size(),
            described.sha256(),
            new BundleFile.Patch(
                second, secondFile.size(), secondFile.sha256(), firstFile.sha256()));
    long deltaWire = migrate(http, target, staged, config, patchFile, firstFile.sha256());
    long deltaMs = ms(t);
    Path rebuilt;
    try (var found = Files.walk(target.home.resolve("sessions/incoming"))) {
      rebuilt =
          found
              .filter(p -> p.endsWith(Path.of("snap-2/database.sqlite")))
              .filter(p -> p.toString().contains("delta-"))
              .findFirst()
              .orElseThrow();
    }
    try (AgentStore store = AgentStore.open(rebuilt)) {
      StoreImporter.compare(digests, store.read("main", config.zones(), Instant.now()), "rebuilt");
    }
    // The same store sent whole, after the delta (sent first, the target would offer it as the
    // newest base).
    t = System.nanoTime();
    long wholeWire = migrate(http, target, staged, config, secondFile, null);
    long wholeMs = ms(t);
    out.put("second_whole_ms", wholeMs);
    out.put("second_whole_wire_bytes", wholeWire);
    out.put("mode", "delta");
    out.put("second_delta_ms", deltaMs);
    out.put("second_delta_patch_ms", patchMs);
    out.put("second_delta_wire_bytes", deltaWire);
    out.put("wire_ratio_delta_to_whole", (double) deltaWire / wholeWire);
    out.put("time_ratio_delta_to_whole", (double) deltaMs / Math.max(1, wholeMs));
    out.put("auto_chose_the_faster", auto.patch() == (deltaMs < wholeMs));
  }

  /**
   * One migration's transfer of one file through the target's API; returns the bytes on the wire.
   * With {@code base}, checks that the target offered that base in its plan first.
   */
  private static long migrate(
      HttpClient http, Node target, Path staged, SessionConfig config, BundleFile file, String base)
      throws Exception {
    String id = (base == null ? "whole-" : "delta-") + java.util.UUID.randomUUID();
    String plan = offer(http, target, id, file);
    if (base != null && !plan.contains(base)) {
      throw new IllegalStateException("the target did not offer the base: " + plan);
    }
    var bundle =
        new io.nxs.session.transfer.Bundle(1, Instant.now(), "2026.9.6", List.of(), List.of(file));
    call(
        http,
        target,
        "PUT",
        "/api/v1/migrations/incoming/" + id + "/bundle",
        io.nxs.core.Json.write(bundle).getBytes());
    long[] wire = {0};
    try (ChunkSender sender =
        new ChunkSender(new ChunkCodec(null), (int) config.chunkSize().bytes(), 0)) {
      sender.send(
          staged,
          List.of(file),
          new long[1],
          (c, frame) -> {
            wire[0] += frame.length;
            call(http, target, "PUT", "/api/v1/migrations/incoming/" + id + "/chunks", frame);
          });
    }
    return wire[0];
  }

  /**
   * The whole migration, with when each state was entered on the source, when the source fenced
   * itself (stopped accepting writes), and when the target entered each of its states. The target
   * is usable when it is ACTIVE: OpenClaw there has the store in place and its own {@code sessions
   * list} has shown every session, whose count and hash NXS checked against the source's.
   */
  private static void fullPath(Node source, Node target, Map<String, Object> out) {
    long t = System.nanoTime();
    MigrationRecord r = source.module.migrations().start(target.url(), target.keyFile(), "main");
    Map<String, Long> entered = new LinkedHashMap<>();
    Map<String, Long> targetEntered = new LinkedHashMap<>();
    String state = "";
    String targetState = "";
    long fenced = -1;
    while (true) {
      MigrationRecord now = source.module.migrations().find(r.id()).orElseThrow();
      if (!now.state().equals(state)) {
        state = now.state();
        entered.put(state, ms(t));
      }
      if (fenced < 0 && source.module.migrations().fenced().isPresent()) {
        fenced = ms(t);
      }
      String there = targetState(target, r.id());
      if (!there.equals(targetState)) {
        targetState = there;
        targetEntered.put(there, ms(t));
      }
      if (state.equals("ACTIVE") || state.equals("FAILED")) {
        out.put("reason", now.reason());
        break;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    out.put("mode", "full");
    out.put("states_entered_ms", entered);
    out.put("fenced_at_ms", fenced);
    out.put("target_states_entered_ms", targetEntered);
    Long usable = targetEntered.get("ACTIVE");
    if (usable != null && fenced >= 0) {
      out.put("fence_to_usable_ms", usable - fenced);
      out.put("start_to_usable_ms", usable);
    }
    out.put("end_to_end_ms", ms(t));
  }

  private static String targetState(Node target, String id) {
    try {
      return target.module.migrations().incoming().status(id).state();
    } catch (io.nxs.session.migrate.IncomingMigrations.PeerRefusal e) {
      return "";
    }
  }

  /** The handshake: offers the target the main agent's bulk store; the target's plan. */
  private static String offer(HttpClient http, Node target, String id, BundleFile file)
      throws Exception {
    String offer =
        io.nxs.core.Json.write(
            new io.nxs.session.migrate.Handshake(
                id,
                io.nxs.session.transfer.Bundle.PROTOCOL,
                "bench",
                "2026.9.6",
                23,
                List.of(
                    new io.nxs.session.migrate.Handshake.AgentSize(
                        "main", file.size(), "HOT", List.of()))));
    return call(http, target, "POST", "/api/v1/migrations/incoming", offer.getBytes());
  }

  private static String call(
      HttpClient http, Node target, String method, String path, byte[] body) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(target.url() + path))
                  .header("Authorization", "Bearer " + target.adminKey)
                  .header("Content-Type", "application/octet-stream")
                  .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
