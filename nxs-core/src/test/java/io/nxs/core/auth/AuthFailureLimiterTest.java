package io.nxs.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.StepClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {

  private final StepClock clock = new StepClock();
  private final AuthFailureLimiter limiter = new AuthFailureLimiter(clock);

  @Test
  void fiveFailuresLockTheAddressForTheRestOfTheWindow() {
    for (int i = 1; i <= 4; i++) {
      assertThat(limiter.recordFailure("10.0.0.1")).as("failure %d", i).isFalse();
      assertThat(limiter.lockedFor("10.0.0.1")).isZero();
    }

    assertThat(limiter.recordFailure("10.0.0.1")).isTrue();
    assertThat(limiter.lockedFor("10.0.0.1"))
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void lockoutEndsWhenTheWindowPasses() {
    for (int i = 0; i < 5; i++) {
      limiter.recordFailure("10.0.0.1");
    }
    clock.advance(Duration.ofMinutes(15));

    assertThat(limiter.lockedFor("10.0.0.1")).isZero();
  }

  @Test
  void addressesAreCountedApart() {
    for (int i = 0; i < 5; i++) {
      limiter.recordFailure("10.0.0.1");
    }

    assertThat(limiter.lockedFor("10.0.0.2")).isZero();
  }
}
