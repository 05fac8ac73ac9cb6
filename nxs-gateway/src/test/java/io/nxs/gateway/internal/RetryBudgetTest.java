package io.nxs.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The retry budget (GW4): first attempts earn retries at {@code ratio}, the bucket holds at most
 * its capacity (ten retries with no floor), and the clock stands still here, so nothing refills.
 */
class RetryBudgetTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void tenFirstAttemptsAtATenthEarnOneRetry() {
    RetryBudget budget = new RetryBudget(0.1, 0, clock);
    for (int i = 0; i < 9; i++) {
      budget.onFirstAttempt();
    }
    assertThat(budget.tryRetry()).as("nine tenths of a retry").isFalse();

    budget.onFirstAttempt();

    assertThat(budget.tryRetry()).as("the tenth first attempt completes one").isTrue();
    assertThat(budget.tryRetry()).as("and only one").isFalse();
  }

  @Test
  void earningsBeyondTheCapacityAreNotBanked() {
    RetryBudget budget = new RetryBudget(0.1, 0, clock);
    for (int i = 0; i < 1000; i++) {
      budget.onFirstAttempt(); // a hundred retries' worth
    }

    int granted = 0;
    while (budget.tryRetry()) {
      granted++;
    }

    assertThat(granted).as("the bucket's capacity: ten retries").isEqualTo(10);
  }

  @Test
  void whatIsEarnedAfterARetryCountsForTheNext() {
    RetryBudget budget = new RetryBudget(0.5, 0, clock);
    budget.onFirstAttempt();
    budget.onFirstAttempt();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();

    budget.onFirstAttempt();
    budget.onFirstAttempt();

    assertThat(budget.tryRetry()).isTrue();
  }
}
