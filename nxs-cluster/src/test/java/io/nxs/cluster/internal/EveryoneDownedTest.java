package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every member downed while its process runs on (what Pekko's split brain resolver does when it
 * "detected instability and will down all nodes", seen during formation on a starved machine): the
 * nodes form one cluster again by themselves, with nobody restarted by hand, and each new
 * incarnation loads what was acknowledged from its state database (ADR 0072).
 */
class EveryoneDownedTest {

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aClusterWhoseMembersWereAllDownedFormsOneClusterAgainByItselfAndKeepsItsQueue() {
    ClusterNode n1 = cluster.start("n1");
    ClusterNode n2 = cluster.start("n2");
    ClusterNode n3 = cluster.start("n3");
    List<ClusterNode> all = List.of(n1, n2, n3);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> all.stream().allMatch(n -> upUids(n).size() == 3));
    Set<Long> before = upUids(n1);
    await().atMost(Duration.ofSeconds(60)).until(() -> n1.lease.token() > 0);
    long tokenBefore = n1.lease.token();
    // Acknowledged by a majority; nobody runs "later" tasks yet, so it waits in the queue.
    n1.tasks.submit(TaskSpec.of("queued-before-downing", "later", ""));

    n1.down("n2");
    n1.down("n3");
    n1.down("n1");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String id : List.of("n1", "n2", "n3")) {
                assertThat(cluster.auditTypes(id)).contains("cluster.downed " + id);
              }
            });

    // One cluster of three new incarnations, seen alike by every node (a node downed again while
    // the cluster re-forms on a loaded machine waits up to 30 s before it rejoins).
    await()
        .atMost(Duration.ofSeconds(150))
        .untilAsserted(
            () -> {
              Set<Long> now = upUids(n1);
              assertThat(now).hasSize(3).doesNotContainAnyElementsOf(before);
              assertThat(upUids(n2)).isEqualTo(now);
              assertThat(upUids(n3)).isEqualTo(now);
            });

    AtomicInteger runs = new AtomicInteger();
    for (ClusterNode n : all) {
      n.tasks.handle("later", t -> "run " + runs.incrementAndGet());
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(n2.tasks.status("queued-before-downing"))
                    .hasValueSatisfying(
                        s -> assertThat(s.phase()).isEqualTo(TaskStatus.Phase.DONE)));
    assertThat(runs).hasValue(1);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(n3.lease.token()).isGreaterThan(tokenBefore));
  }

  private static Set<Long> upUids(ClusterNode n) {
    Incarnation inc = n.incarnation();
    if (inc == null || inc.system.whenTerminated().isCompleted()) {
      return Set.of();
    }
    return StreamSupport.stream(inc.cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .map(m -> m.uniqueAddress().longUid())
        .collect(Collectors.toSet());
  }
}
