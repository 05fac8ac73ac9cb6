package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.cluster.ClusterMember;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A downed node joins the cluster that downed it, never one of its own: here the first node, the
 * only seed, is downed by the others (as the split brain resolver downs a node that was starved
 * during formation). Joining its seeds again would mean joining itself, and two clusters would take
 * work and grant the agent lease side by side.
 */
class RejoinTest {

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void theDownedFirstSeedRejoinsTheSurvivorsInsteadOfFormingASecondCluster() {
    ClusterNode n1 = cluster.start("n1");
    ClusterNode n2 = cluster.start("n2");
    ClusterNode n3 = cluster.start("n3");
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> assertThat(n2.members()).hasSize(3).allMatch(m -> m.state().takesWork()));

    n2.down("n1");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(cluster.auditTypes("n1")).contains("cluster.downed n1"));

    // Back in the survivors' cluster (as the same members and the same lease holder); whether it
    // takes work again at once is the lifecycle's call (a down and a return count as flapping).
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(n1.members())
                  .extracting(ClusterMember::nodeId)
                  .containsExactlyInAnyOrder("n1", "n2", "n3");
              assertThat(n1.members())
                  .filteredOn(m -> !m.nodeId().equals("n1"))
                  .allMatch(m -> m.state().takesWork());
              assertThat(n3.members()).extracting(ClusterMember::nodeId).contains("n1");
              assertThat(n1.lease.holder()).isPresent().isEqualTo(n3.lease.holder());
            });
  }
}
