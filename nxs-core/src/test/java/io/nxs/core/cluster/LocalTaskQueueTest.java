package io.nxs.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nxs.core.NxsException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalTaskQueueTest {

  private final LocalTaskQueue queue = new LocalTaskQueue("solo");

  @Test
  void aTaskRunsOnceEvenWhenSubmittedTwice() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    queue.handle(
        "echo",
        t -> {
          runs.incrementAndGet();
          done.countDown();
          return "ok " + t.payload();
        });
    queue.submit(TaskSpec.of("t1", "echo", "x"));
    queue.submit(TaskSpec.of("t1", "echo", "x"));
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    awaitFinished("t1");
    assertThat(runs).hasValue(1);
    assertThat(queue.status("t1").orElseThrow().detail()).isEqualTo("ok x");
    assertThat(queue.localDepth()).isZero();
  }

  @Test
  void aTaskWaitsForItsHandlerAndCountsInTheDepthMeanwhile() throws Exception {
    queue.submit(TaskSpec.of("t2", "later", ""));
    assertThat(queue.localDepth()).isEqualTo(1);
    assertThat(queue.status("t2").orElseThrow().phase()).isEqualTo(TaskStatus.Phase.QUEUED);
    queue.handle("later", t -> "ran");
    awaitFinished("t2");
    assertThat(queue.status("t2").orElseThrow().phase()).isEqualTo(TaskStatus.Phase.DONE);
  }

  @Test
  void aFailingHandlerFailsTheTaskWithItsMessage() throws Exception {
    queue.handle(
        "boom",
        t -> {
          throw new IllegalStateException("disk full");
        });
    queue.submit(TaskSpec.of("t3", "boom", ""));
    awaitFinished("t3");
    TaskStatus s = queue.status("t3").orElseThrow();
    assertThat(s.phase()).isEqualTo(TaskStatus.Phase.FAILED);
    assertThat(s.detail()).contains("disk full");
  }

  @Test
  void aSecondHandlerForATypeIsRefused() {
    queue.handle("echo", t -> "");
    assertThatThrownBy(() -> queue.handle("echo", t -> ""))
        .isInstanceOf(NxsException.class)
        .hasMessage("task type 'echo' already has a handler");
  }

  @Test
  void aBadTaskIdIsRefusedWithTheValue() {
    assertThatThrownBy(() -> TaskSpec.of("no spaces", "echo", ""))
        .hasMessageContaining("but was 'no spaces'");
  }

  private void awaitFinished(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!queue.status(id).orElseThrow().phase().finished()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task " + id + " did not finish");
      }
      Thread.onSpinWait();
    }
  }
}
