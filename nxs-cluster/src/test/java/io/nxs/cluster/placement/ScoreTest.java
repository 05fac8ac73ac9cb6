package io.nxs.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScoreTest {

  @Test
  void theScoreIsTheSeedsWeightedSum() {
    // 0.25·0.6 + 0.30·0.5 + 0.20·(1 − 20/100) + 0.15·(1 − 200/1000) + 0.10·0.9
    double score = Score.of(new ScoreInputs(0.6, 0.5, 20, 100, 200, 0.9));
    assertThat(score).isCloseTo(0.15 + 0.15 + 0.16 + 0.12 + 0.09, within(1e-12));
  }

  @Test
  void theWeightsAreTheSeeds() {
    assertThat(
            new double[] {Score.CPU, Score.MEMORY, Score.QUEUE, Score.LATENCY, Score.RELIABILITY})
        .containsExactly(0.25, 0.30, 0.20, 0.15, 0.10);
    assertThat(Score.THRESHOLD).isEqualTo(0.5);
  }

  @Test
  void eachTermIsClampedSoAnIdleInstanceScoresOneAndAnOverloadedOneZero() {
    assertThat(Score.of(ScoreInputs.idle(100))).isCloseTo(1.0, within(1e-12));
    assertThat(Score.of(new ScoreInputs(-3, -1, 500, 100, 5000, -0.5))).isZero();
  }

  @Test
  void aMalformedReportCountsAsTheWorstValueInsteadOfFailing() {
    double score =
        Score.of(new ScoreInputs(Double.NaN, 1, 0, 0, Double.POSITIVE_INFINITY, Double.NaN));
    assertThat(score).isCloseTo(0.30, within(1e-12));
  }
}
