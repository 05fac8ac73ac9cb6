package io.nxs.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.cluster.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private final TaskSpec task = TaskSpec.of("t1", "summarize", "");

  @Test
  void theHighestScoreAboveTheThresholdWins() {
    assertThat(
            Placement.choose(
                task,
                List.of(Candidate.of("a", 0.6), Candidate.of("b", 0.9), Candidate.of("c", 0.4))))
        .contains("b");
  }

  @Test
  void tiesGoToTheLowerId() {
    assertThat(
            Placement.choose(
                task,
                List.of(Candidate.of("n3", 0.7), Candidate.of("n1", 0.7), Candidate.of("n2", 0.7))))
        .contains("n1");
  }

  @Test
  void nobodyBelowTheThresholdGetsWork() {
    assertThat(Placement.choose(task, List.of(Candidate.of("a", 0.49)))).isEmpty();
    assertThat(Placement.choose(task, List.of(Candidate.of("a", 0.5)))).contains("a");
  }

  @Test
  void aDegradedInstanceCountsHalf() {
    Candidate degraded = new Candidate("a", 0.95, true, Map.of(), 0, Set.of());
    assertThat(degraded.effectiveScore()).isEqualTo(0.475);
    assertThat(Placement.choose(task, List.of(degraded, Candidate.of("b", 0.6)))).contains("b");
    assertThat(Placement.choose(task, List.of(degraded))).isEmpty();
  }

  @Test
  void tasksOfOneTypeSpreadOverInstances() {
    Candidate busy = new Candidate("a", 0.8, false, Map.of("summarize", 2), 0, Set.of());
    assertThat(Placement.choose(task, List.of(busy, Candidate.of("b", 0.75)))).contains("b");
    TaskSpec other = TaskSpec.of("t2", "index", "");
    assertThat(Placement.choose(other, List.of(busy, Candidate.of("b", 0.75)))).contains("a");
  }

  @Test
  void ioHeavyTasksSpreadAndCacheAffinityIsPreferred() {
    TaskSpec io = new TaskSpec("t3", "backup", "", true, true, "");
    Candidate ioBusy = new Candidate("a", 0.8, false, Map.of(), 1, Set.of());
    assertThat(Placement.choose(io, List.of(ioBusy, Candidate.of("b", 0.78)))).contains("b");

    TaskSpec cached = new TaskSpec("t4", "embed", "", true, false, "repo-x");
    Candidate warm = new Candidate("b", 0.7, false, Map.of(), 0, Set.of("repo-x"));
    assertThat(Placement.choose(cached, List.of(Candidate.of("a", 0.75), warm))).contains("b");
  }
}
