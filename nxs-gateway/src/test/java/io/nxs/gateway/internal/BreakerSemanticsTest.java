package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.nxs.gateway.ProviderConfig.CircuitBreakerSettings;
import io.nxs.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * GW3's semantics (seed 002): {@code failure_threshold} failures in a row within the window open
 * the breaker, a success ends the run; on a clock the test moves.
 */
class BreakerSemanticsTest {

  private final MutableClock clock = MutableClock.startingAt2026();
  private final Breaker breaker =
      Breaker.forProvider(
          "p", new CircuitBreakerSettings(3, 60, Duration.ofSeconds(60), null, null), clock);

  private void call(boolean ok) {
    assertThat(breaker.tryAcquirePermission()).as("a call is permitted").isTrue();
    if (ok) {
      breaker.onSuccess(1_000_000);
    } else {
      breaker.onFailure(1_000_000, "p=server_error");
    }
  }

  private void calls(String pattern) {
    for (char c : pattern.toCharArray()) {
      call(c == 's');
    }
  }

  @Test
  void threeFailuresInARowOpenIt() {
    calls("fff");

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquirePermission()).isFalse();
  }

  @Test
  void failFailSucceedFailStaysClosedAtThresholdThree() {
    calls("ffsf");

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    calls("f");
    assertThat(breaker.state()).as("two in a row since the success").isEqualTo(State.CLOSED);
    calls("f");
    assertThat(breaker.state()).as("now three in a row").isEqualTo(State.OPEN);
  }

  @Test
  void failFailSucceedDoesNotOpenIt() {
    calls("ffs");

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void threeFailuresAmongManySuccessesNeverOpenIt() {
    for (int i = 0; i < 20; i++) {
      calls("sssf");
    }

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void threeInARowOpenItEvenAfterManySuccessesInTheWindow() {
    calls("s".repeat(100));

    calls("fff");

    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void failuresSpreadOverMoreThanTheWindowDoNotOpenIt() {
    calls("f");
    clock.advance(Duration.ofSeconds(30));
    calls("f");
    clock.advance(Duration.ofSeconds(31));
    calls("f");

    assertThat(breaker.state()).as("the three span 61 s").isEqualTo(State.CLOSED);
    clock.advance(Duration.ofSeconds(10));
    calls("f");
    assertThat(breaker.state()).as("the last three span 41 s").isEqualTo(State.OPEN);
  }

  @Test
  void failuresExactlyTheWindowApartStillCount() {
    calls("f");
    clock.advance(Duration.ofSeconds(30));
    calls("f");
    clock.advance(Duration.ofSeconds(30));
    calls("f");

    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void afterTimeoutSecondsOneTrialDecidesAndASuccessStartsANewRun() {
    calls("fff");
    clock.advance(Duration.ofSeconds(60));
    assertThat(breaker.tryAcquirePermission()).as("open for timeout_seconds").isFalse();
    clock.advance(Duration.ofMillis(1));

    assertThat(breaker.tryAcquirePermission()).as("the trial").isTrue();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquirePermission()).as("only one trial at a time").isFalse();
    breaker.onSuccess(1_000_000);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    calls("ff");
    assertThat(breaker.state())
        .as("the failures before it opened do not count")
        .isEqualTo(State.CLOSED);
  }

  @Test
  void aFailedTrialOpensItAgain() {
    calls("fff");
    clock.advance(Duration.ofSeconds(61));

    calls("f");

    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void aCoolDownKeepsItOpenExactlyThatLong() {
    call(false);
    breaker.coolDown(Duration.ofSeconds(7));

    clock.advance(Duration.ofSeconds(7));
    assertThat(breaker.tryAcquirePermission()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.tryAcquirePermission()).isTrue();
  }

  @Test
  void aResetForgetsTheRun() {
    calls("ff");
    breaker.reset();

    calls("f");

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aThresholdOfOneOpensOnTheFirstFailure() {
    Breaker one =
        Breaker.forCredential(
            "p/current", new CircuitBreakerSettings(1, 30, null, null, null), clock);
    assertThat(one.tryAcquirePermission()).isTrue();

    one.onFailure(1_000, "401");

    assertThat(one.state()).isEqualTo(State.OPEN);
  }

  @Test
  void anOperatorChosenRateRuleStillAppliesOnTopOfTheRun() {
    Breaker rate =
        Breaker.forProvider(
            "p",
            new CircuitBreakerSettings(3, 60, Duration.ofSeconds(60), 50f, Duration.ZERO),
            clock);
    for (boolean ok : new boolean[] {false, false, true}) {
      assertThat(rate.tryAcquirePermission()).isTrue();
      if (ok) {
        rate.onSuccess(1_000);
      } else {
        rate.onFailure(1_000, "500");
      }
    }

    assertThat(rate.state()).as("two of three failed: 67 %% >= 50 %%").isEqualTo(State.OPEN);
  }
}
