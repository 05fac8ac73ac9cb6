package io.nxs.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.cluster.placement.Rebalancer.Move;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebalancerTest {

  private final Instant now = Instant.parse("2026-01-01T00:10:00Z");

  private QueuedTask task(String id, String owner, int ageSeconds) {
    return new QueuedTask(id, owner, true, now.minusSeconds(ageSeconds));
  }

  @Test
  void anInstanceWithThreeTimesAnothersQueueHandsOverItsOldestMovableTask() {
    List<Move> moves =
        Rebalancer.plan(
            Map.of("a", 6, "b", 2, "c", 3),
            List.of(
                task("new", "a", 10),
                task("old", "a", 50),
                new QueuedTask("older-but-pinned", "a", false, now.minusSeconds(90))),
            Map.of(),
            now);
    assertThat(moves).containsExactly(new Move("old", "a", "b"));
  }

  @Test
  void aTaskGoesOnlyToAnInstanceThatCanRunItTheShortestOfThose() {
    // "idle" has the shortest queue but no handler for these tasks: "b" gets the oldest.
    List<Move> moves =
        Rebalancer.plan(
            Map.of("a", 9, "b", 3, "idle", 0),
            List.of(task("old", "a", 50), task("new", "a", 10)),
            Map.of(),
            now,
            (t, instance) -> !instance.equals("idle"));
    assertThat(moves).containsExactly(new Move("old", "a", "b"));
    assertThat(
            Rebalancer.plan(
                Map.of("a", 9, "idle", 0),
                List.of(task("old", "a", 50)),
                Map.of(),
                now,
                (t, instance) -> !instance.equals("idle")))
        .isEmpty();
  }

  @Test
  void belowThreeTimesNothingMoves() {
    assertThat(Rebalancer.plan(Map.of("a", 5, "b", 2), List.of(task("t", "a", 10)), Map.of(), now))
        .isEmpty();
  }

  @Test
  void anEmptyQueueCountsAsOneSoASingleTaskNeverPingPongs() {
    assertThat(Rebalancer.plan(Map.of("a", 2, "b", 0), List.of(task("t", "a", 1)), Map.of(), now))
        .isEmpty();
    assertThat(Rebalancer.plan(Map.of("a", 3, "b", 0), List.of(task("t", "a", 1)), Map.of(), now))
        .containsExactly(new Move("t", "a", "b"));
  }

  @Test
  void atMostOneMigrationPerMinutePerInstance() {
    Map<String, Integer> depths = Map.of("a", 9, "b", 0);
    List<QueuedTask> waiting = List.of(task("t1", "a", 30), task("t2", "a", 20));
    assertThat(Rebalancer.plan(depths, waiting, Map.of("a", now.minusSeconds(59)), now)).isEmpty();
    assertThat(Rebalancer.plan(depths, waiting, Map.of("a", now.minus(Duration.ofMinutes(1))), now))
        .containsExactly(new Move("t1", "a", "b"));
  }

  @Test
  void tasksOfAnInstanceThatTakesNoWorkAreLeftToReplacement() {
    assertThat(Rebalancer.plan(Map.of("b", 0), List.of(task("t", "gone", 5)), Map.of(), now))
        .isEmpty();
  }
}
