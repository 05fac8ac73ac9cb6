package io.nxs.doctor.advice;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scale rules of seed 000 §4 on a fake clock, one observation a minute. */
class ScalingDeciderTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final ScalingDecider decider = new ScalingDecider(2, 10);

  /** Observes {@code minutes} minutes of the same figures; returns the signals given. */
  private List<ScalingSignal> run(int minutes, double cpu, double queue, int instances) {
    List<ScalingSignal> out = new ArrayList<>();
    for (int i = 0; i < minutes; i++) {
      decider.observe(clock.instant(), cpu, queue, instances).ifPresent(out::add);
      clock.advance(Duration.ofMinutes(1));
    }
    return out;
  }

  @Test
  void cpuAboveSeventyPercentForFiveMinutesAdvisesOneMoreInstanceOnce() {
    assertThat(run(5, 85, 0, 3)).isEmpty(); // minutes 0..4: not yet 5 min
    List<ScalingSignal> signals = run(20, 85, 0, 3);

    assertThat(signals).hasSize(1);
    ScalingSignal s = signals.getFirst();
    assertThat(s.direction()).isEqualTo(ScalingSignal.Direction.UP);
    assertThat(s.instances()).isEqualTo(3);
    assertThat(s.advised()).isEqualTo(4);
    assertThat(s.reason()).contains("CPU > 70 % for 5 min");
  }

  @Test
  void aDipBelowSeventyRestartsTheFiveMinutes() {
    run(4, 85, 0, 3);
    run(1, 60, 0, 3);
    assertThat(run(5, 85, 0, 3)).isEmpty();
    assertThat(run(1, 85, 0, 3)).hasSize(1);
  }

  @Test
  void aQueueOverAHundredAdvisesScalingUpAtOnce() {
    Optional<ScalingSignal> s = decider.observe(clock.instant(), 10, 101, 2);

    assertThat(s)
        .hasValueSatisfying(
            v -> {
              assertThat(v.direction()).isEqualTo(ScalingSignal.Direction.UP);
              assertThat(v.reason()).contains("queue > 100");
            });
    assertThat(decider.observe(clock.instant(), 10, 100, 2)).isEmpty();
  }

  @Test
  void cpuBelowTwentyForThirtyMinutesWithAnEmptyQueueAdvisesOneFewer() {
    assertThat(run(30, 8, 0, 4)).isEmpty();
    List<ScalingSignal> signals = run(1, 8, 0, 4);

    assertThat(signals)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.direction()).isEqualTo(ScalingSignal.Direction.DOWN);
              assertThat(s.advised()).isEqualTo(3);
            });
  }

  @Test
  void aQueuedTaskKeepsAnIdleCpuFromScalingDown() {
    run(20, 8, 0, 4);
    run(1, 8, 1, 4);
    assertThat(run(30, 8, 0, 4)).isEmpty();
  }

  @Test
  void signalsStayWithinTwoAndTenInstances() {
    assertThat(run(60, 95, 0, 10)).isEmpty();
    assertThat(run(60, 5, 0, 2)).isEmpty();
    assertThat(decider.observe(clock.instant(), 5, 500, 1))
        .hasValueSatisfying(s -> assertThat(s.advised()).isEqualTo(2));
  }

  @Test
  void aGapInTheFiguresRestartsTheTiming() {
    run(4, 85, 0, 3);
    clock.advance(Duration.ofMinutes(10)); // the daemon was stopped
    assertThat(run(5, 85, 0, 3)).isEmpty();
  }

  @Test
  void unknownCpuDecidesNothing() {
    assertThat(run(60, Double.NaN, 0, 3)).isEmpty();
  }
}
