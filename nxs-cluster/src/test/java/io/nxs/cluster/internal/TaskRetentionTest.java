package io.nxs.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.cluster.TaskSpec;
import io.nxs.core.cluster.TaskStatus.Phase;
import io.nxs.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which task records the coordinator prunes, on a fake clock. */
class TaskRetentionTest {

  private static final Duration KEEP = Duration.ofHours(24);
  private final MutableClock clock = MutableClock.startingAt2026();

  private TaskRecord queued(String id) {
    return TaskRecord.submitted(TaskSpec.of(id, "echo", ""), clock.instant()).placed("n1", 7);
  }

  private TaskRecord finishedNow(String id, Phase end) {
    return queued(id).running().finished(end, "", clock.instant());
  }

  @Test
  void finishedRecordsExpireOnceOlderThanTheRetentionAndNoSooner() {
    TaskRecord done = finishedNow("done", Phase.DONE);
    TaskRecord failed = finishedNow("failed", Phase.FAILED);

    clock.advance(KEEP);
    assertThat(TaskBoard.expired(List.of(done, failed), clock.instant(), KEEP)).isEmpty();

    clock.advance(Duration.ofMillis(1));
    assertThat(TaskBoard.expired(List.of(done, failed), clock.instant(), KEEP))
        .containsExactlyInAnyOrder("done", "failed");
  }

  @Test
  void unfinishedTasksNeverExpireHoweverOld() {
    TaskRecord waiting = queued("waiting");
    TaskRecord running = queued("running").running();

    clock.advance(KEEP.multipliedBy(10));

    assertThat(TaskBoard.expired(List.of(waiting, running), clock.instant(), KEEP)).isEmpty();
  }

  @Test
  void theRetentionCountsFromTheEndNotTheSubmission() {
    TaskRecord longRunning = queued("long").running();
    clock.advance(KEEP.plusHours(1));
    TaskRecord justEnded = longRunning.finished(Phase.DONE, "", clock.instant());

    assertThat(TaskBoard.expired(List.of(justEnded), clock.instant(), KEEP)).isEmpty();
  }

  @Test
  void aFinishedRecordWrittenWithoutAnEndTimeCountsFromItsSubmission() {
    String legacy =
        """
        {"id":"legacy","type":"echo","payload":"","movable":true,"ioHeavy":false,
         "cacheKey":"","owner":"n1","ownerUid":7,"phase":"DONE","attempt":1,"version":4,
         "submitted":"%s","detail":""}"""
            .formatted(clock.instant());
    TaskRecord parsed = TaskRecord.parse(legacy).orElseThrow();
    clock.advance(KEEP.plusSeconds(1));

    assertThat(TaskBoard.expired(List.of(parsed), clock.instant(), KEEP)).containsExactly("legacy");
  }
}
