package io.nxs.doctor.advice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The right-sizing table of seed 000 §4 from an instance's figures. */
class RightSizingTest {

  private static RightSizing.Figures figures(
      Duration span, double cpu, int cores, double mem, double totalMb, double idle) {
    return new RightSizing.Figures(span, cpu, cores, mem, totalMb, idle);
  }

  @Test
  void aQuietOverProvisionedInstanceIsAdvisedHalfItsCpusAndMemoryAndSpot() {
    var recs = RightSizing.of(figures(Duration.ofHours(1), 12, 4, 30, 8192, 0.9));

    assertThat(recs)
        .extracting(Recommendation::resource, Recommendation::current, Recommendation::recommended)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("cpu", "4 vCPU", "2 vCPU"),
            org.assertj.core.groups.Tuple.tuple("memory", "8.0 GB", "4.0 GB"),
            org.assertj.core.groups.Tuple.tuple("schedule", "always-on", "spot/preemptible"));
    assertThat(recs).extracting(Recommendation::savingsPercent).containsExactly(50, 50, 70);
    assertThat(recs.getFirst().pattern()).contains("CPU 12 % average over 1 h");
  }

  @Test
  void aBusyInstanceIsAdvisedNothing() {
    assertThat(RightSizing.of(figures(Duration.ofHours(1), 55, 4, 70, 8192, 0.1))).isEmpty();
  }

  @Test
  void nothingIsAdvisedFromUnderThirtyMinutesOfFiguresOrUnknownOnes() {
    assertThat(RightSizing.of(figures(Duration.ofMinutes(10), 5, 4, 10, 8192, 1))).isEmpty();
    assertThat(
            RightSizing.of(figures(Duration.ofHours(1), Double.NaN, 0, Double.NaN, 0, Double.NaN)))
        .isEmpty();
  }

  @Test
  void aSingleCpuIsNotHalved() {
    assertThat(RightSizing.of(figures(Duration.ofHours(1), 5, 1, 90, 8192, 0)))
        .extracting(Recommendation::resource)
        .doesNotContain("cpu");
  }
}
