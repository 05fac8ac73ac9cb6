package io.nxs.rollout.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JudgeTest {

  private static final Judge.Limits LIMITS = Judge.Limits.defaults();
  private static final Vitals BASE = new Vitals(1000, 0.02, 200, 400, 2, 5);

  private static List<String> judge(Vitals now) {
    return Judge.reasons(BASE, now, LIMITS);
  }

  @Test
  void theSameFiguresAsTheBaselinePass() {
    assertThat(judge(BASE)).isEmpty();
  }

  @Test
  void anErrorRateOverTwiceTheBaselineFailsAndTwiceItselfPasses() {
    assertThat(judge(new Vitals(1000, 0.04, 200, 400, 2, 5))).isEmpty();
    assertThat(judge(new Vitals(1000, 0.041, 200, 400, 2, 5)))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("error rate 4.10 % > 2.0 x baseline 2.00 %");
  }

  @Test
  void aP99OverOneHundredFiftyPercentFails() {
    assertThat(judge(new Vitals(1000, 0.02, 300, 400, 2, 5))).isEmpty();
    assertThat(judge(new Vitals(1000, 0.02, 301, 400, 2, 5)))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("p99 latency 301 ms > 150 % of baseline 200 ms");
  }

  @Test
  void memoryOverOneHundredTwentyPercentFails() {
    assertThat(judge(new Vitals(1000, 0.02, 200, 480, 2, 5))).isEmpty();
    assertThat(judge(new Vitals(1000, 0.02, 200, 481, 2, 5)))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("memory 481 MiB > 120 % of baseline 400 MiB");
  }

  @Test
  void lostChannelsOrSessionsFailButMoreSessionsAreUsersAtWork() {
    assertThat(judge(new Vitals(1000, 0.02, 200, 400, 1, 5)))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("channels disconnected: 1 connected, 2 before");
    assertThat(judge(new Vitals(1000, 0.02, 200, 400, 2, 3)))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("sessions lost: 3 open, 5 before");
    assertThat(judge(new Vitals(1000, 0.02, 200, 400, 2, 9))).isEmpty();
  }

  @Test
  void figuresAnInstanceDoesNotMeasureAreNotJudged() {
    Vitals unmeasured = new Vitals(1000, 0.02, 200, 400, -1, -1);
    assertThat(Judge.reasons(unmeasured, new Vitals(1000, 0.02, 200, 400, 0, 0), LIMITS)).isEmpty();
  }

  @Test
  void anIdleBaselineNeedsTheFloorsToBeCrossedAndEnoughRequests() {
    Vitals idle = new Vitals(50, 0, 2, 100, -1, -1);
    // One slow request and one error among few: no judgement of rates on 10 requests.
    assertThat(Judge.reasons(idle, new Vitals(10, 0.1, 900, 100, -1, -1), LIMITS)).isEmpty();
    // Enough requests: 40 ms over a 2 ms baseline is within the 50 ms floor; 0.5 % errors too.
    assertThat(Judge.reasons(idle, new Vitals(1000, 0.005, 40, 120, -1, -1), LIMITS)).isEmpty();
    assertThat(Judge.reasons(idle, new Vitals(1000, 0.05, 60, 140, -1, -1), LIMITS)).hasSize(3);
  }
}
