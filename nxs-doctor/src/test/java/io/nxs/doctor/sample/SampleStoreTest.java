package io.nxs.doctor.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.state.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleStoreTest {

  @TempDir Path dir;

  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  @Test
  void theRingKeepsOnlyTheLiveWindow() {
    SampleStore store = new SampleStore(Duration.ofMinutes(5), Duration.ofMinutes(1), 10);

    for (int i = 0; i < 20; i++) {
      store.add("cpu.usage_percent", Map.of(), T0 + i * 60_000L, i);
    }

    Series s = store.series(SeriesKey.of("cpu.usage_percent"));
    assertThat(store.capacity()).isEqualTo(7);
    assertThat(s.since(0).size()).isEqualTo(7);
    assertThat(s.since(0).values()).containsExactly(13, 14, 15, 16, 17, 18, 19);
    assertThat(s.latest()).isEqualTo(19);
    assertThat(s.since(T0 + 17 * 60_000L).values()).containsExactly(17, 18, 19);
  }

  @Test
  void seriesBeyondTheLimitAreDroppedAndCounted() {
    SampleStore store = new SampleStore(Duration.ofMinutes(5), Duration.ofMinutes(1), 2);

    store.add("disk.usage_percent", Map.of("mount", "/"), T0, 1);
    store.add("disk.usage_percent", Map.of("mount", "/var"), T0, 2);
    store.add("disk.usage_percent", Map.of("mount", "/home"), T0, 3);

    assertThat(store.seriesCount()).isEqualTo(2);
    assertThat(store.droppedSamples()).isEqualTo(1);
    assertThat(store.latest("disk.usage_percent", Map.of("mount", "/var"))).isEqualTo(2);
    assertThat(store.latest("disk.usage_percent", Map.of("mount", "/home"))).isNaN();
  }

  @Test
  void staleSeriesExpire() {
    SampleStore store = new SampleStore(Duration.ofMinutes(5), Duration.ofMinutes(1), 10);
    store.add("disk.usage_percent", Map.of("mount", "/mnt/usb"), T0, 1);
    store.add("disk.usage_percent", Map.of("mount", "/"), T0 + 600_000, 1);

    assertThat(store.expire(T0 + 60_000)).isEqualTo(1);
    assertThat(store.seriesOf("disk.usage_percent")).containsOnlyKeys(Map.of("mount", "/"));
  }

  @Test
  void minutesAreWrittenDownAndRolledUpIntoHoursForBaselines() {
    StateStore db = StateStore.open(dir.resolve("state.db"));
    db.migrate("doctor");
    SampleHistory history = new SampleHistory(db, Duration.ofDays(8));
    SampleStore store = new SampleStore(Duration.ofHours(1), Duration.ofSeconds(10), 10);
    SeriesKey key = new SeriesKey("api.error_rate", Map.of());

    // two hours of samples every 10 s: value 1 in the first hour, 3 in the second
    for (long t = 0; t <= 2 * 3_600_000L; t += 10_000) {
      store.add("api.error_rate", Map.of(), T0 + t, t < 3_600_000L ? 1 : 3);
      if (t % 300_000 == 0) {
        history.write(store.drainCompletedMinutes(), T0 + t);
      }
    }

    assertThat(history.average(key, T0, T0 + 3_600_000L)).hasValue(1.0);
    assertThat(history.average(key, T0, T0 + 2 * 3_600_000L)).hasValue(2.0);
    assertThat(history.rowCounts()[0]).isEqualTo(120);
    assertThat(history.rowCounts()[1]).isEqualTo(2);
  }

  @Test
  void oldHistoryExpires() {
    StateStore db = StateStore.open(dir.resolve("state.db"));
    db.migrate("doctor");
    SampleHistory history = new SampleHistory(db, Duration.ofDays(1));
    SampleStore store = new SampleStore(Duration.ofHours(1), Duration.ofMinutes(1), 10);

    for (long t = 0; t <= 4 * 86_400_000L; t += 60_000) {
      store.add("load.avg1", Map.of(), T0 + t, 1);
      if (t % 3_600_000L == 0) {
        history.write(store.drainCompletedMinutes(), T0 + t);
      }
    }

    long[] rows = history.rowCounts();
    assertThat(rows[0]).isLessThanOrEqualTo(2 * 24 * 60 + 60);
    assertThat(rows[1]).isLessThanOrEqualTo(25);
    assertThat(history.average(SeriesKey.of("load.avg1"), T0, T0 + 86_400_000L)).isEmpty();
  }
}
