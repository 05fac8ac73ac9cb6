package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.cluster.ClusterMember;
import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every node stopped at once without leaving, then started again (issue 12, "everyone downed"): the
 * cluster forms again around the first seed and takes work, and what it had acknowledged is still
 * there — Pekko's durable Distributed Data in each node's state database (ADR 0072): a task queued
 * before the stop runs exactly once after it, and the agent lease's fencing token goes on from
 * where it was, never handing out a token a stale holder may still carry.
 */
class FullRestartTest {

  private final TestCluster cluster = new TestCluster();
  private final AtomicInteger laterRuns = new AtomicInteger();

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** Starts the three nodes; only after the restart do they know how to run "later" tasks. */
  private void startAll(boolean runLater) {
    for (String id : List.of("n1", "n2", "n3")) {
      ClusterNode n = cluster.start(id);
      n.tasks.handle("echo", t -> "ran on " + id);
      if (runLater) {
        n.tasks.handle(
            "later",
            t -> {
              laterRuns.incrementAndGet();
              return "ran on " + id;
            });
      }
    }
  }

  private void awaitFormed() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (ClusterNode n : cluster.nodes.values()) {
                assertThat(n.members())
                    .extracting(ClusterMember::nodeId)
                    .containsExactlyInAnyOrder("n1", "n2", "n3");
                assertThat(n.members()).allMatch(m -> m.state().takesWork());
                assertThat(n.lease.holder()).isPresent();
              }
            });
  }

  @Test
  void aClusterWhoseNodesAllStoppedFormsAgainKeepsItsQueueAndItsFencingTokenGoesOn() {
    startAll(false);
    awaitFormed();
    ClusterNode before = cluster.node("n2");
    long tokenBefore = before.lease.token();
    assertThat(tokenBefore).isPositive();
    // Acknowledged by a majority; no node can run it yet, so it waits in the queue.
    before.tasks.submit(TaskSpec.of("queued-before-stop", "later", ""));

    cluster.stopAll();
    startAll(true);

    awaitFormed();
    for (ClusterNode n : cluster.nodes.values()) {
      assertThat(n.lease.token()).isGreaterThan(tokenBefore);
    }
    ClusterNode n2 = cluster.node("n2");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(n2.tasks.status("queued-before-stop"))
                    .hasValueSatisfying(
                        s -> assertThat(s.phase()).isEqualTo(TaskStatus.Phase.DONE)));
    assertThat(laterRuns).hasValue(1);
    n2.tasks.submit(TaskSpec.of("after-restart", "echo", ""));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(n2.tasks.status("after-restart"))
                    .hasValueSatisfying(
                        s -> assertThat(s.phase()).isEqualTo(TaskStatus.Phase.DONE)));
    assertThat(laterRuns).hasValue(1);
  }
}
