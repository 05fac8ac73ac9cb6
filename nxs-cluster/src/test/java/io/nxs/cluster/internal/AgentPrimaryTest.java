package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nxs.core.ext.HealingAction;
import io.nxs.core.ext.ServiceControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One primary for the agent: three nodes, each with an "agent" that is a real child process started
 * and stopped through {@link ServiceControl}, as the Doctor's supervision would. Only the lease
 * holder runs it; the others' guards refuse; when the holder leaves, its agent is stopped before
 * another node's starts, under the next fencing token. A watcher samples the live agents the whole
 * time and never sees two.
 */
class AgentPrimaryTest {

  private final TestCluster cluster = new TestCluster();
  private final Map<String, AgentPrimary> primaries = new ConcurrentHashMap<>();
  private final Map<String, RealAgent> agents = new ConcurrentHashMap<>();
  private final List<String> timeline = new CopyOnWriteArrayList<>();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final AtomicBoolean watching = new AtomicBoolean(true);

  @AfterEach
  void stop() throws Exception {
    watching.set(false);
    for (AgentPrimary p : primaries.values()) {
      p.close();
    }
    agents.values().forEach(a -> a.stop("test over"));
    cluster.close();
  }

  @Test
  void onlyTheLeaseHolderRunsTheAgentAndAHandOverStopsItBeforeTheNextStarts() throws Exception {
    for (String id : List.of("p1", "p2", "p3")) {
      ClusterNode node = cluster.start(id);
      RealAgent agent = new RealAgent(id);
      agents.put(id, agent);
      primaries.put(id, new AgentPrimary(node.lease, () -> Optional.of(agent)));
    }
    Thread.ofVirtual()
        .start(
            () -> {
              while (watching.get()) {
                int running = (int) agents.values().stream().filter(RealAgent::running).count();
                mostAtOnce.accumulateAndGet(running, Math::max);
                Thread.onSpinWait();
              }
            });
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> assertThat(agents.values().stream().filter(RealAgent::running)).hasSize(1));
    String holder =
        agents.values().stream().filter(RealAgent::running).findFirst().orElseThrow().id;
    // The others learn who holds the lease from Distributed Data, shortly after the holder knows.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (String id : primaries.keySet()) {
                if (id.equals(holder)) {
                  assertThat(primaries.get(id).refusal()).isEmpty();
                } else {
                  assertThat(primaries.get(id).refusal())
                      .contains(
                          "this instance does not hold the cluster's agent lease ("
                              + holder
                              + " does)");
                }
              }
            });

    long firstToken = cluster.node(holder).lease.held().orElseThrow().fencingToken();
    cluster.node(holder).leave(Duration.ofSeconds(20));
    cluster.nodes.remove(holder);
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () -> {
              List<RealAgent> running =
                  agents.values().stream().filter(RealAgent::running).toList();
              assertThat(running).hasSize(1);
              assertThat(running.getFirst().id).isNotEqualTo(holder);
            });
    String next = agents.values().stream().filter(RealAgent::running).findFirst().orElseThrow().id;
    assertThat(cluster.node(next).lease.held().orElseThrow().fencingToken())
        .isGreaterThan(firstToken);
    assertThat(timeline)
        .as("the old agent stopped before the new one started")
        .containsSubsequence("stop " + holder, "start " + next);
    assertThat(mostAtOnce).as("never two agents at once").hasValue(1);
  }

  /** An agent that is a real process, started and stopped as a supervisor would. */
  private final class RealAgent implements ServiceControl {
    final String id;
    private volatile Process process;

    RealAgent(String id) {
      this.id = id;
    }

    @Override
    public String name() {
      return "openclaw";
    }

    @Override
    public synchronized boolean running() {
      return process != null && process.isAlive();
    }

    @Override
    public synchronized HealingAction.Outcome stop(String reason) {
      if (process != null) {
        process.destroy();
        try {
          process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        timeline.add("stop " + id);
      }
      return new HealingAction.Outcome(true, "stopped: " + reason);
    }

    @Override
    public synchronized HealingAction.Outcome start(String reason) {
      Optional<String> refusal = primaries.get(id).refusal();
      if (refusal.isPresent()) {
        return new HealingAction.Outcome(false, refusal.get());
      }
      try {
        process = new ProcessBuilder("sleep", "600").start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      timeline.add("start " + id);
      return new HealingAction.Outcome(true, "started: " + reason);
    }
  }
}
