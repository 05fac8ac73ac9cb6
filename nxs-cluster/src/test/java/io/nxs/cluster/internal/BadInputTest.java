package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.cluster.ClusterMember;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a cluster must refuse or survive: a node of another cluster, a node speaking another
 * protocol version, malformed gossip.
 */
class BadInputTest {

  static TestCluster cluster;

  @BeforeAll
  static void form() {
    cluster = new TestCluster();
    cluster.start("s1");
    cluster.start("s2");
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(cluster.node("s1").members())
                    .hasSize(2)
                    .allMatch(m -> m.state().takesWork()));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aNodeOfAnotherClusterIsRefusedWithTheReason() {
    ClusterNode stranger = cluster.start(TestCluster.Spec.of("stranger").name("other"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !stranger.refusal().isEmpty());
    assertThat(stranger.refusal())
        .contains("refused by the cluster")
        .contains("cluster name 'other'");
    assertThat(cluster.audits.get("s1"))
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("cluster.join_refused");
              assertThat(e.details().get("reason").toString())
                  .isEqualTo(
                      "node 'stranger' refused: cluster name 'other' is not this cluster's 'test'");
            });
    assertThat(cluster.node("s1").members())
        .extracting(ClusterMember::nodeId)
        .containsExactly("s1", "s2");
    cluster.nodes.remove("stranger").close();
  }

  @Test
  void aNodeSpeakingAnotherProtocolVersionIsRefused() {
    ClusterNode future =
        cluster.start(TestCluster.Spec.of("future").protocol(PekkoSettings.PROTOCOL + 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> !future.refusal().isEmpty());
    assertThat(cluster.audits.get("s1"))
        .anySatisfy(
            e ->
                assertThat(String.valueOf(e.details().get("reason")))
                    .contains("node 'future' refused: protocol version 2 is not this cluster's 1"));
    cluster.nodes.remove("future").close();
  }

  @Test
  void malformedReportsAreSkippedAndNeverCrashANode() {
    ClusterNode s1 = cluster.node("s1");
    Replicas replicas = s1.incarnation().replicas;
    Replicas.await(
        replicas.put(
            Replicas.REPORTS,
            Map.of(
                "ghost",
                new Replicas.Stamped("{not json", 1),
                // Wins over s2's own report for a moment (its stamp is s2's clock in µs).
                "s2",
                new Replicas.Stamped(
                    "{\"nodeId\":\"s2\",\"cpuFree\":\"lots\"}",
                    (System.currentTimeMillis() + 300) * 1000)),
            new Replicator.WriteAll(Duration.ofSeconds(3))),
        Duration.ofSeconds(10));
    Replicas.await(
        replicas.put(
            Replicas.TASKS,
            Map.of("junk", new Replicas.Stamped("[1,2,3]", 1)),
            new Replicator.WriteAll(Duration.ofSeconds(3))),
        Duration.ofSeconds(10));
    // Both nodes keep running their loops and their view; the bad entries are skipped.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (ClusterNode n : cluster.nodes.values()) {
                assertThat(n.members())
                    .extracting(ClusterMember::nodeId)
                    .contains("s1", "s2")
                    .doesNotContain("ghost");
                assertThat(n.onMajoritySide()).isTrue();
              }
            });
    assertThat(s1.tasks.status("junk")).isEmpty();
  }
}
