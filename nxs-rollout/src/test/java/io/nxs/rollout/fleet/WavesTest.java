package io.nxs.rollout.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.rollout.fleet.Waves.Step;
import io.nxs.rollout.fleet.Waves.Wave;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WavesTest {

  @Test
  void threeInstancesAreACanaryThenTheNextThenThePrimaryAlone() {
    assertThat(Waves.plan(List.of("a", "b", "c"), "a"))
        .containsExactly(
            new Wave(Step.CANARY, List.of("b")),
            new Wave(Step.THREE_QUARTERS, List.of("c")),
            new Wave(Step.FULL, List.of("a")));
  }

  @Test
  void eightInstancesGoOneThenTwoThenToSixThenTheRestWithThePrimaryLast() {
    List<String> nodes = IntStream.rangeClosed(1, 8).mapToObj(i -> "n" + i).toList();
    assertThat(Waves.plan(nodes, "n1"))
        .containsExactly(
            new Wave(Step.CANARY, List.of("n2")),
            new Wave(Step.QUARTER, List.of("n3")),
            new Wave(Step.THREE_QUARTERS, List.of("n4", "n5", "n6", "n7")),
            new Wave(Step.FULL, List.of("n8", "n1")));
  }

  @Test
  void aSingleInstanceIsItsOwnLastStepAndAFleetWithoutPrimaryStillEndsFull() {
    assertThat(Waves.plan(List.of("solo"), "solo"))
        .containsExactly(new Wave(Step.FULL, List.of("solo")));
    assertThat(Waves.plan(List.of("a", "b"), ""))
        .containsExactly(new Wave(Step.CANARY, List.of("a")), new Wave(Step.FULL, List.of("b")));
  }
}
