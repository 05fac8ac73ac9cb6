package io.nxs.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A blocking periodic job on a real scheduler: the order of runs, never their timing. */
class BlockingTickTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void aRunThatBlocksHoldsNeitherTheSchedulerNorASecondRun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    try (BlockingTick tick =
        BlockingTick.every(
            scheduler,
            "blocking",
            Duration.ofMillis(1),
            () -> {
              mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
              started.countDown();
              awaitQuietly(release);
              running.decrementAndGet();
            })) {
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      // Tasks due after several periods: the single scheduler thread runs the periods due before
      // them first, so by the time these run the tick has come again while the job blocks.
      CountDownLatch schedulerFree = new CountDownLatch(3);
      for (int i = 1; i <= 3; i++) {
        scheduler.schedule(schedulerFree::countDown, 10L * i, TimeUnit.MILLISECONDS);
      }
      assertThat(schedulerFree.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(mostAtOnce).hasValue(1);
      release.countDown();
    }
  }

  @Test
  void aRunThatFailsIsFollowedByTheNext() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch third = new CountDownLatch(3);
    try (BlockingTick tick =
        BlockingTick.every(
            scheduler,
            "failing",
            Duration.ZERO,
            Duration.ofMillis(1),
            () -> {
              runs.incrementAndGet();
              third.countDown();
              throw new IllegalStateException("the remote is down");
            })) {
      assertThat(third.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(runs.get()).isGreaterThanOrEqualTo(3);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
