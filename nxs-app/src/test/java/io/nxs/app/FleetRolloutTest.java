package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.app.cli.CliRunner;
import io.nxs.core.Json;
import io.nxs.rollout.release.Ed25519Keys;
import io.nxs.rollout.release.ReleaseInstaller;
import io.nxs.rollout.release.ReleasePackager;
import io.nxs.rollout.release.ReleaseSignature;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of three daemons in this JVM, clustered on loopback, each with its own home and install
 * root holding 0.1.0: {@code nxs rollout start} rolls a good release through every step, then a
 * release whose build does not start is caught at the canary and undone without a person.
 */
class FleetRolloutTest {

  private static final List<String> NODES = List.of("a", "b", "c");

  @TempDir Path dir;
  private final Map<String, Daemon> daemons = new LinkedHashMap<>();

  @AfterEach
  void stop() {
    daemons.values().parallelStream().forEach(Daemon::close);
  }

  @Test
  void aGoodReleaseRollsThroughEveryStepAndABadOneIsUndoneAtTheCanary() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Path pub = Files.writeString(dir.resolve("release.pub"), Ed25519Keys.toPem(keys.getPublic()));
    Path first = release("0.1.0", true, keys);
    int seed = freePort();
    for (String n : NODES) {
      NxsHome home = new NxsHome(dir.resolve(n));
      home.initialize();
      new ReleaseInstaller(home.dir().resolve("opt"))
          .install(first, keys.getPublic(), Optional.empty());
      Files.writeString(
          home.config(),
          """
          server:
            port: %d
          release:
            public_key: %s
          cluster:
            enabled: true
            name: fleet
            node_id: %s
            bind: 127.0.0.1:%d
            seeds: [127.0.0.1:%d]
            heartbeat: 300ms
            acceptable_pause: 10s
          rollout:
            canary: 1s
            quarter: 1s
            three_quarters: 1s
            full: 1s
            tick: 250ms
            install_dir: opt
            # Idle daemons on a busy machine: the thresholds are the unit tests'; here only a
            # release that fails outright may roll back.
            limits: {p99_floor_ms: 600000, memory_floor_mb: 100000, min_requests: 1000000}
          """
              .formatted(freePort(), pub, n, n.equals("a") ? seed : freePort(), seed));
      daemons.put(n, Daemon.start(home, Map.of(), Clock.systemUTC()));
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              JsonNode cluster = json("a", "cluster", "status");
              assertThat(cluster.path("members").findValuesAsText("state"))
                  .hasSize(3)
                  .allMatch(s -> s.equals("ACTIVE") || s.equals("DEGRADED"));
              assertThat(cluster.path("lease").path("holder").asText()).isIn(NODES);
            });
    // The agent's primary is upgraded last; the canary is the first of the others.
    String primary = json("a", "cluster", "status").path("lease").path("holder").asText();
    List<String> others = NODES.stream().filter(n -> !n.equals(primary)).toList();

    CliRunner.Result started =
        nxs("a", "rollout", "start", release("0.2.0", true, keys).toString());
    assertThat(started.code()).as(started.err()).isZero();
    assertThat(started.out())
        .contains("CANARY: " + others.get(0))
        .contains("THREE_QUARTERS: " + others.get(1))
        .contains("FULL: " + primary);
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(
                        json("a", "rollout", "history")
                            .path("rollouts")
                            .path(0)
                            .path("phase")
                            .asText())
                    .as(() -> "the rollout as a sees it: " + json("a", "rollout", "status"))
                    .isEqualTo("DONE"));
    for (String n : NODES) {
      assertThat(current(n)).as(n).isEqualTo("nxs-0.2.0");
    }
    // The next rollout starts on b: wait until b, too, sees the first one ended (its view of the
    // shared state follows a's by gossip).
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(json("b", "rollout", "status").path("rollout").path("phase").asText())
                    .isIn("DONE", ""));

    long before = System.nanoTime();
    CliRunner.Result bad = nxs("b", "rollout", "start", release("0.3.0", false, keys).toString());
    assertThat(bad.code()).as(bad.err()).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        json("c", "rollout", "history")
                            .path("rollouts")
                            .path(0)
                            .path("phase")
                            .asText())
                    .as(() -> "the rollout as c sees it: " + json("c", "rollout", "status"))
                    .isEqualTo("ROLLED_BACK"));
    System.out.printf(
        "rollback of a build that does not start, from 'rollout start': %d ms%n",
        (System.nanoTime() - before) / 1_000_000);
    JsonNode last = json("c", "rollout", "history").path("rollouts").path(0);
    assertThat(last.path("decision").asText())
        .contains(others.get(0) + ": the new build does not start: bin/nxs --version exited 1");
    for (String n : NODES) {
      assertThat(current(n)).as(n + " runs the good release").isEqualTo("nxs-0.2.0");
    }
    // a's view of the shared state follows c's by gossip.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              CliRunner.Result status = nxs("a", "rollout", "status");
              assertThat(status.code()).as("the last rollout was rolled back").isEqualTo(1);
              assertThat(status.out()).contains("ROLLED_BACK").contains("does not start");
            });
    // b acts next: its own view must have the rollout ended (it follows c's by gossip).
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(json("b", "rollout", "status").path("rollout").path("phase").asText())
                    .isEqualTo("ROLLED_BACK"));
    CliRunner.Result nothing = nxs("b", "rollout", "abort");
    assertThat(nothing.code()).isNotZero();
    assertThat(nothing.err()).contains("no rollout runs; nothing to abort");
    CliRunner.Result missing = nxs("b", "rollout", "start", dir.resolve("nxs-9.tar.gz").toString());
    assertThat(missing.code()).isNotZero();
    assertThat(missing.err()).contains("nxs-9.tar.gz: no such archive on this instance");
    assertThat(nxs("a", "audit", "verify").code())
        .as("the audit chain, rollout entries and all")
        .isZero();
  }

  private CliRunner.Result nxs(String node, String... args) {
    return new CliRunner(dir.resolve(node)).run(args);
  }

  /** The command's JSON; a node holding only its output when it is none (the daemon is busy). */
  private JsonNode json(String node, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-o";
    all[args.length + 1] = "json";
    CliRunner.Result r = nxs(node, all);
    try {
      return Json.mapper().readTree(r.out());
    } catch (java.io.IOException e) {
      return Json.mapper().createObjectNode().put("unparsed", r.out() + r.err());
    }
  }

  private String current(String node) throws Exception {
    return Files.readSymbolicLink(dir.resolve(node).resolve("opt/current")).toString();
  }

  /** A signed release whose launcher says its version, or fails as a build that cannot start. */
  private Path release(String version, boolean starts, KeyPair keys) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in-" + version));
    Path jar = Files.writeString(in.resolve("nxs.jar"), "the application jar of " + version);
    Path launcher =
        Files.writeString(
            in.resolve("nxs"),
            starts
                ? "#!/bin/sh\necho nxs " + version + "\n"
                : "#!/bin/sh\necho broken >&2\nexit 1\n");
    Path javaHome = Files.writeString(in.resolve("java-home"), "nxs_pick_java() { :; }\n");
    Path config = Files.writeString(in.resolve("nxs.yaml"), "server:\n  port: 8787\n");
    Path dist = Files.createDirectories(in.resolve("dist/systemd"));
    Files.writeString(dist.resolve("nxs.service"), "[Service]\n");
    Path archive =
        ReleasePackager.pack(
            new ReleasePackager.Inputs(version, jar, launcher, javaHome, config, dist.getParent()),
            Files.createDirectories(dir.resolve("out")));
    ReleaseSignature.sign(archive, keys.getPrivate());
    return archive;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
