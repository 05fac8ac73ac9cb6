package io.nxs.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.nxs.core.Json;
import io.nxs.testkit.DaemonProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real partition between three {@code nxs serve} processes, each in its own network namespace on
 * a bridge: node c's link is cut, the minority (c) stops accepting work while the majority goes on
 * and downs it; the link comes back, c joins again and runs the four heal phases — nothing lost or
 * run twice, configuration settled by the winning side, and the identity conflict in the review
 * queue for a person.
 */
class ClusterPartitionTest {

  private static final List<String> NODES = List.of("a", "b", "c");

  @TempDir Path dir;
  private NetworkLab lab;
  private final Map<String, DaemonProcess> daemons = new LinkedHashMap<>();
  private final Map<String, String> urls = new HashMap<>();
  private final Map<String, String> keys = new HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void tearDown() {
    daemons.values().forEach(DaemonProcess::close);
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void theMinorityStopsTheMajorityGoesOnAndTheHealLosesNothingAndAsksAboutIdentity()
      throws Exception {
    lab = NetworkLab.create();
    for (int i = 0; i < NODES.size(); i++) {
      String n = NODES.get(i);
      String ip = lab.addHost(n, i + 1);
      String mgmt = lab.mgmtAddress(i + 1);
      Path home = dir.resolve(n);
      new NxsHome(home).initialize();
      Files.writeString(
          home.resolve("nxs.yaml"),
          """
          server:
            host: %s
            port: 0
          cluster:
            enabled: true
            name: lab
            node_id: %s
            bind: %s:25520
            seeds: [%s:25520]
            heartbeat: 250ms
            split_brain: {stable_after: 3s}
          """
              .formatted(mgmt, n, ip, lab.address(1)));
    }
    // Started side by side (each waits for its own start), C1 only: three JVMs starting at once
    // on two shared cores take long enough as it is.
    Map<String, java.util.concurrent.Future<DaemonProcess>> starting = new LinkedHashMap<>();
    try (var starter = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (String n : NODES) {
        starting.put(
            n,
            starter.submit(
                () ->
                    DaemonProcess.startWith(
                        lab.on(n),
                        io.nxs.app.cli.Main.class.getName(),
                        dir.resolve(n),
                        Duration.ofMinutes(4),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1")));
      }
      for (Map.Entry<String, java.util.concurrent.Future<DaemonProcess>> e : starting.entrySet()) {
        String n = e.getKey();
        DaemonProcess d = e.getValue().get();
        daemons.put(n, d);
        urls.put(n, "http://" + lab.mgmtAddress(NODES.indexOf(n) + 1) + ":" + d.port());
        keys.put(n, d.adminKey());
      }
    }

    // Three members taking work everywhere (ACTIVE, or DEGRADED when this shared machine is so
    // busy that a round trip takes more than twice its usual time).
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              for (String n : NODES) {
                JsonNode s = get(n, "/api/v1/cluster");
                assertThat(s.path("members").findValuesAsText("state"))
                    .as(n + " sees " + s)
                    .hasSize(3)
                    .allMatch(state -> state.equals("ACTIVE") || state.equals("DEGRADED"));
              }
            });

    // One node under a long GC pause (SIGSTOP for 2 s) must not take anyone down: a known way
    // Akka/Pekko clusters lose members. The pause is the stimulus; nothing waits on a clock here.
    signal("STOP", daemons.get("b").pid());
    Thread.sleep(2_000);
    signal("CONT", daemons.get("b").pid());
    await()
        .during(Duration.ofSeconds(10))
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (String n : NODES) {
                assertThat(get(n, "/api/v1/cluster").path("members").findValuesAsText("state"))
                    .hasSize(3)
                    .doesNotContain("GONE");
              }
            });

    // Work and shared values before the split.
    List<String> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tasks.add("before-" + i);
      assertThat(submit("a", "before-" + i).statusCode()).isEqualTo(202);
    }
    assertThat(put("a", "identity", "name", "Ada").statusCode()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertAllDone(tasks));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get("c", "/api/v1/cluster/state/identity/name").path("value").asText())
                    .isEqualTo("Ada"));

    // The cut.
    lab.cut("c");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(get("c", "/api/v1/cluster").path("on_majority_side").asBoolean())
                  .isFalse();
              assertThat(get("a", "/api/v1/cluster").path("on_majority_side").asBoolean()).isTrue();
            });
    HttpResponse<String> refused = submit("c", "on-minority");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("minority side");
    // Both sides write while apart.
    assertThat(put("c", "identity", "name", "Bea").statusCode()).isEqualTo(204);
    assertThat(put("c", "config", "model", "small").statusCode()).isEqualTo(204);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("a", "/api/v1/cluster").path("members").toString())
                    .contains("\"node_id\":\"c\",\"state\":\"GONE\""));
    assertThat(put("a", "identity", "name", "Ada Lovelace").statusCode()).isEqualTo(204);
    assertThat(put("a", "config", "model", "large").statusCode()).isEqualTo(204);
    for (int i = 0; i < 6; i++) {
      tasks.add("during-" + i);
      assertThat(submit("a", "during-" + i).statusCode()).isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertAllDone(tasks));

    // The heal.
    lab.heal("c");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonNode c = get("c", "/api/v1/cluster");
              assertThat(c.path("on_majority_side").asBoolean()).isTrue();
              assertThat(c.path("last_heal").path("review").asInt()).isEqualTo(1);
            });
    JsonNode heal = get("c", "/api/v1/cluster").path("last_heal");
    assertThat(heal.toString()).contains("\"winner\":[\"a\",\"b\"]").contains("\"loser\":[\"c\"]");
    // c wrote the identity and the config while apart; other modules' writes in flight when the
    // cut came (the rollout agent's report, a majority write that then timed out) are compared too.
    assertThat(heal.path("compared").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(heal.path("kept").asInt()).as("config: the winning side wins").isPositive();

    // The review reaches the other members through Distributed Data: a moment later on each.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (String n : NODES) {
                assertThat(get(n, "/api/v1/cluster/conflicts").path("conflicts")).as(n).hasSize(1);
              }
            });
    JsonNode conflict = get("a", "/api/v1/cluster/conflicts").path("conflicts").get(0);
    assertThat(conflict.path("kind").asText()).isEqualTo("identity");
    assertThat(conflict.path("kept").asText()).isEqualTo("Ada Lovelace");
    assertThat(conflict.path("proposed").asText()).isEqualTo("Bea");
    assertThat(conflict.path("status").asText()).isEqualTo("pending");
    // Running on the resolved state meanwhile, on every node.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String n : NODES) {
                assertThat(get(n, "/api/v1/cluster/state/identity/name").path("value").asText())
                    .isEqualTo("Ada Lovelace");
                assertThat(get(n, "/api/v1/cluster/state/config/model").path("value").asText())
                    .isEqualTo("large");
              }
            });

    // Nothing lost, nothing run twice: every task done, each run recorded once across the nodes.
    assertAllDone(tasks);
    Map<String, Integer> runs = new HashMap<>();
    for (String n : NODES) {
      for (JsonNode e : get(n, "/api/v1/audit?type=cluster.task_ran&limit=1000").path("entries")) {
        runs.merge(e.path("target").asText(), 1, Integer::sum);
      }
    }
    for (String t : tasks) {
      assertThat(runs.get(t)).as(t + " ran once").isEqualTo(1);
    }

    // A person decides; the decision is audited.
    HttpResponse<String> reject =
        post("b", "/api/v1/cluster/conflicts/" + conflict.path("id").asText() + "/reject");
    assertThat(reject.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(reject.body()).path("status").asText()).isEqualTo("rejected");
    assertThat(get("b", "/api/v1/audit?type=cluster.conflict_rejected").path("entries")).hasSize(1);
  }

  private static void signal(String signal, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor())
        .isZero();
  }

  private void assertAllDone(List<String> tasks) throws Exception {
    for (String t : tasks) {
      assertThat(get("a", "/api/v1/cluster/tasks/" + t).path("phase").asText())
          .as(t)
          .isEqualTo("DONE");
    }
  }

  private JsonNode get(String node, String path) throws Exception {
    HttpResponse<String> r =
        send(node, HttpRequest.newBuilder(URI.create(urls.get(node) + path)).GET());
    if (r.statusCode() != 200) {
      throw new AssertionError(node + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return Json.mapper().readTree(r.body());
  }

  private HttpResponse<String> submit(String node, String id) throws Exception {
    return send(
        node,
        HttpRequest.newBuilder(URI.create(urls.get(node) + "/api/v1/cluster/tasks"))
            .POST(
                HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"payload\":\"x\"}")));
  }

  private HttpResponse<String> put(String node, String kind, String key, String value)
      throws Exception {
    return send(
        node,
        HttpRequest.newBuilder(
                URI.create(urls.get(node) + "/api/v1/cluster/state/" + kind + "/" + key))
            .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"" + value + "\"}")));
  }

  private HttpResponse<String> post(String node, String path) throws Exception {
    return send(
        node,
        HttpRequest.newBuilder(URI.create(urls.get(node) + path))
            .POST(HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> send(String node, HttpRequest.Builder request) throws Exception {
    return http.send(
        request
            .header("Authorization", "Bearer " + keys.get(node))
            .timeout(Duration.ofSeconds(15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
