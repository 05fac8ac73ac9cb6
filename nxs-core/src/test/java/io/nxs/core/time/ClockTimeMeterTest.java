package io.nxs.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bucket;
import io.nxs.core.StepClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClockTimeMeterTest {

  private final StepClock clock = new StepClock();

  @Test
  void readsTheInjectedClockInNanoseconds() {
    Instant start = clock.instant();
    clock.advance(Duration.ofNanos(123_456_789));

    assertThat(new ClockTimeMeter(clock).currentTimeNanos())
        .isEqualTo(start.getEpochSecond() * 1_000_000_000L + 123_456_789L);
  }

  @Test
  void aBucketRefillsWhenTheClockMovesNotWhenTheMachineDoes() {
    Bucket bucket =
        Bucket.builder()
            .addLimit(l -> l.capacity(1).refillIntervally(1, Duration.ofMinutes(1)))
            .withCustomTimePrecision(new ClockTimeMeter(clock))
            .build();
    assertThat(bucket.tryConsume(1)).isTrue();
    assertThat(bucket.tryConsume(1)).isFalse();

    clock.advance(Duration.ofMinutes(1));

    assertThat(bucket.tryConsume(1)).isTrue();
  }
}
