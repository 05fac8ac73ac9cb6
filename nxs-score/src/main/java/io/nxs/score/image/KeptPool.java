package io.nxs.score.image;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.ToLongFunction;

/**
 * Large buffers kept between images, one per scoring slot at most, and let go when unused for an
 * idle period. The most recently returned buffer is taken first, so under a light load the others
 * age and are released while the busy one stays.
 */
final class KeptPool<T> {

  private record Kept<T>(T item, Instant since) {}

  private final Clock clock;
  private final Duration idle;
  private final int capacity;
  private final ToLongFunction<T> bytes;
  private final Deque<Kept<T>> kept = new ArrayDeque<>();

  KeptPool(Clock clock, Duration idle, int capacity, ToLongFunction<T> bytes) {
    if (idle.isNegative() || capacity < 1) {
      throw new IllegalArgumentException(
          "a pool needs idle >= 0 and capacity >= 1, not " + idle + ", " + capacity);
    }
    this.clock = clock;
    this.idle = idle;
    this.capacity = capacity;
    this.bytes = bytes;
  }

  /** The most recently kept buffer, or null. */
  synchronized T poll() {
    Kept<T> k = kept.pollFirst();
    return k == null ? null : k.item();
  }

  /** Keeps a buffer, unused from now, when there is room. */
  void offer(T item) {
    Kept<T> k = new Kept<>(item, clock.instant());
    synchronized (this) {
      if (kept.size() < capacity) {
        kept.addFirst(k);
      }
    }
  }

  /**
   * Lets go of every buffer unused for the idle period.
   *
   * @return their bytes (0 when nothing was idle)
   */
  long releaseIdle() {
    Instant before = clock.instant().minus(idle);
    long released = 0;
    synchronized (this) {
      for (Iterator<Kept<T>> it = kept.iterator(); it.hasNext(); ) {
        Kept<T> k = it.next();
        if (!k.since().isAfter(before)) {
          released += bytes.applyAsLong(k.item());
          it.remove();
        }
      }
    }
    return released;
  }

  synchronized long keptBytes() {
    return kept.stream().mapToLong(k -> bytes.applyAsLong(k.item())).sum();
  }
}
