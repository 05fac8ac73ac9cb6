package io.nxs.doctor.sample;

import java.util.function.Consumer;

/**
 * The live samples of one series: a ring of (time, value) pairs over the live window, plus the
 * running aggregate of the current minute that {@link SampleHistory} writes down.
 *
 * <p>Design note: times are stored as int millisecond offsets from the series' first sample and
 * values as doubles, 12 bytes a point, in two primitive arrays that never grow; the ring holds
 * enough points for the live window at the collection interval. All methods but {@link
 * #latestSince} are synchronized: one collector thread writes while HTTP threads read.
 */
public final class Series {

  private final SeriesKey key;
  private final long baseMillis;
  private final int[] offsets;
  private final double[] values;
  private int head;
  private int size;

  /**
   * The newest point again, with {@link #latestMillis()}'s figure: the rule engine reads it without
   * the lock or ring arithmetic (each series is read by every rule on its metric, every tick, and
   * written once per sample). Null while the series is empty.
   */
  private volatile Newest newest;

  private record Newest(long millis, double value) {}

  private long minute = Long.MIN_VALUE;
  private double minuteSum;
  private double minuteMin;
  private double minuteMax;
  private int minuteCount;

  Series(SeriesKey key, long firstMillis, int capacity) {
    this.key = key;
    this.baseMillis = firstMillis;
    this.offsets = new int[capacity];
    this.values = new double[capacity];
  }

  public SeriesKey key() {
    return key;
  }

  /**
   * Adds a sample; samples older than the newest are ignored.
   *
   * @param completed receives the previous minute's aggregate when this sample starts a new minute
   */
  synchronized void add(long millis, double value, Consumer<MinuteBucket> completed) {
    if (size > 0 && millis < latestMillisUnsafe()) {
      return;
    }
    int offset = (int) Math.min(Integer.MAX_VALUE, millis - baseMillis);
    int slot = (head + size) % offsets.length;
    if (size == offsets.length) {
      head = (head + 1) % offsets.length;
    } else {
      size++;
    }
    offsets[slot] = offset;
    values[slot] = value;
    newest = new Newest(baseMillis + offset, value); // clamped like the ring's time
    long thisMinute = Math.floorDiv(millis, 60_000L);
    if (thisMinute != minute) {
      if (minuteCount > 0) {
        completed.accept(
            new MinuteBucket(
                key, minute * 60_000L, minuteSum / minuteCount, minuteMin, minuteMax, minuteCount));
      }
      minute = thisMinute;
      minuteSum = 0;
      minuteCount = 0;
      minuteMin = Double.POSITIVE_INFINITY;
      minuteMax = Double.NEGATIVE_INFINITY;
    }
    minuteSum += value;
    minuteCount++;
    minuteMin = Math.min(minuteMin, value);
    minuteMax = Math.max(minuteMax, value);
  }

  private long latestMillisUnsafe() {
    return baseMillis + offsets[(head + size - 1) % offsets.length];
  }

  /** The newest value, or NaN when there is none. */
  public synchronized double latest() {
    return size == 0 ? Double.NaN : values[(head + size - 1) % offsets.length];
  }

  /**
   * The newest value if it was taken at or after {@code sinceMillis}, else NaN (stored values are
   * never NaN): the rule engine's one read per series and tick.
   */
  public double latestSince(long sinceMillis) {
    Newest n = newest;
    return n == null || n.millis() < sinceMillis ? Double.NaN : n.value();
  }

  /** When the newest value was taken (epoch millis), or {@link Long#MIN_VALUE}. */
  public synchronized long latestMillis() {
    return size == 0 ? Long.MIN_VALUE : latestMillisUnsafe();
  }

  /** The samples taken at or after {@code sinceMillis}, oldest first. */
  public synchronized Points since(long sinceMillis) {
    int first = 0;
    while (first < size && baseMillis + offsets[(head + first) % offsets.length] < sinceMillis) {
      first++;
    }
    int n = size - first;
    long[] t = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      int slot = (head + first + i) % offsets.length;
      t[i] = baseMillis + offsets[slot];
      v[i] = values[slot];
    }
    return new Points(t, v);
  }

  /** Bytes this series holds in memory, roughly. */
  public int footprintBytes() {
    return offsets.length * (Integer.BYTES + Double.BYTES) + 96;
  }

  /** A copy of some samples: epoch-millisecond times and values, oldest first. */
  public record Points(long[] times, double[] values) {
    public int size() {
      return times.length;
    }
  }
}
