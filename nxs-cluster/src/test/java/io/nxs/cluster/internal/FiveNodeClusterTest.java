package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.NodeState;
import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Five real nodes in one JVM: join, placement over all of them (only to nodes that handle a task's
 * type), and a graceful leave that hands the leaving node's queued tasks over before it goes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FiveNodeClusterTest {

  static TestCluster cluster;
  static final Map<String, List<String>> runs = new ConcurrentHashMap<>();
  static final CountDownLatch hold = new CountDownLatch(1);
  static final List<String> IDS = List.of("n1", "n2", "n3", "n4", "n5");

  @BeforeAll
  static void form() {
    cluster = new TestCluster();
    for (String id : IDS) {
      ClusterNode node = cluster.start(TestCluster.Spec.of(id).workers(1));
      node.tasks.handle("work", t -> ran(t.id(), id));
      if (!id.equals("n5")) {
        node.tasks.handle(
            "held",
            t -> {
              ran(t.id(), id);
              try {
                hold.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "held on " + id;
            });
      }
    }
  }

  private static String ran(String task, String node) {
    runs.computeIfAbsent(task, k -> new CopyOnWriteArrayList<>()).add(node);
    return "ran on " + node;
  }

  @AfterAll
  static void stop() {
    hold.countDown();
    cluster.close();
  }

  @Test
  @Order(1)
  void fiveNodesJoinAndAgreeOnTheMembers() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (ClusterNode n : cluster.nodes.values()) {
                assertThat(n.members())
                    .extracting(ClusterMember::nodeId)
                    .containsExactlyElementsOf(IDS);
                assertThat(n.members()).allMatch(m -> m.state().takesWork(), "all take work");
              }
            });
    assertThat(cluster.nodes.values().stream().filter(ClusterNode::coordinator)).hasSize(1);
  }

  @Test
  @Order(2)
  void tasksSpreadOverTheNodesThatHandleTheirType() {
    ClusterNode n2 = cluster.node("n2");
    for (int i = 0; i < 20; i++) {
      n2.tasks.submit(TaskSpec.of("w-" + i, "work", ""));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 20; i++) {
                assertThat(n2.tasks.status("w-" + i))
                    .hasValueSatisfying(s -> assertThat(s.phase()).isEqualTo(Phase.DONE));
              }
            });
    assertThat(runs.keySet().stream().filter(k -> k.startsWith("w-")).map(k -> runs.get(k).size()))
        .allMatch(n -> n == 1);
    assertThat(
            runs.entrySet().stream()
                .filter(e -> e.getKey().startsWith("w-"))
                .map(e -> e.getValue().getFirst())
                .distinct()
                .count())
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(3)
  void aGracefulLeaveHandsQueuedTasksOverAndEndsGone() {
    ClusterNode n1 = cluster.node("n1");
    for (int i = 0; i < 12; i++) {
      n1.tasks.submit(TaskSpec.of("h-" + i, "held", ""));
    }
    // n5 has no handler for "held": nothing is placed there. With one worker each, n1-n4 run one
    // task and queue the rest.
    ClusterNode n4 = cluster.node("n4");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> held(n4, Phase.RUNNING) == 1 && held(n4, Phase.QUEUED) >= 1);
    assertThat(n1.tasks.all().stream().filter(t -> t.id().startsWith("h-")).map(t -> t.owner()))
        .doesNotContain("n5");
    long queuedOnN4 = held(n4, Phase.QUEUED);

    Thread leaver = Thread.ofVirtual().start(() -> n4.leave(Duration.ofSeconds(30)));
    // n4's queued tasks go elsewhere while its running one is still held.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        n1.tasks.all().stream()
                            .filter(t -> t.owner().equals("n4") && !t.phase().finished()))
                    .hasSize(1));
    assertThat(queuedOnN4).isPositive();
    hold.countDown();
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(n1.members())
                    .filteredOn(m -> m.nodeId().equals("n4"))
                    .extracting(ClusterMember::state)
                    .containsExactly(NodeState.GONE));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 12; i++) {
                assertThat(n1.tasks.status("h-" + i))
                    .as(n1.tasks.all().toString())
                    .hasValueSatisfying(s -> assertThat(s.phase()).isEqualTo(Phase.DONE));
              }
            });
    for (int i = 0; i < 12; i++) {
      assertThat(runs.get("h-" + i)).as("h-" + i + " ran once").hasSize(1);
      assertThat(n1.tasks.status("h-" + i).orElseThrow().attempt())
          .as("handed over, not lost")
          .isEqualTo(1);
    }
    assertThat(cluster.auditTypes("n1")).contains("node.leave n4");
    try {
      leaver.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cluster.nodes.remove("n4");
  }

  /** How many "held" tasks the node owns in the given phase, as the node itself sees them. */
  private static long held(ClusterNode node, Phase phase) {
    String id = node.config.nodeId();
    return node.tasks.all().stream()
        .filter(t -> t.id().startsWith("h-") && t.owner().equals(id) && t.phase() == phase)
        .count();
  }
}
