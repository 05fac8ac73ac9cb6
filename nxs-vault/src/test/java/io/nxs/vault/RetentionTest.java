package io.nxs.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.testkit.MutableClock;
import io.nxs.vault.VaultConfig.Retention;
import io.nxs.vault.internal.RetentionRule;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {

  /** 400 days of hourly snapshots, taken by a clock that moves one hour at a time. */
  private static Map<String, Instant> hourlyFor400Days(MutableClock clock) {
    Map<String, Instant> snapshots = new LinkedHashMap<>();
    for (int i = 0; i < 400 * 24; i++) {
      snapshots.put("s" + i, clock.instant());
      clock.advance(Duration.ofHours(1));
    }
    return snapshots;
  }

  private static Instant at23(LocalDate day) {
    return day.atTime(LocalTime.of(23, 0)).toInstant(ZoneOffset.UTC);
  }

  @Test
  void fourHundredDaysOfHourlySnapshotsKeepExactlyThePolicysSet() {
    MutableClock clock = new MutableClock(Instant.parse("2025-10-28T00:00:00Z"));
    Map<String, Instant> snapshots = hourlyFor400Days(clock);
    Instant last = clock.instant().minus(Duration.ofHours(1));
    LocalDate today = last.atZone(ZoneOffset.UTC).toLocalDate();

    Set<Instant> expected = new HashSet<>();
    for (int h = 0; h < 24; h++) {
      expected.add(last.minus(Duration.ofHours(h)));
    }
    for (int d = 1; d < 7; d++) {
      expected.add(at23(today.minusDays(d)));
    }
    LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    for (int w = 1; w < 4; w++) {
      expected.add(at23(monday.minusWeeks(w - 1).minusDays(1)));
    }
    for (int m = 1; m < 12; m++) {
      expected.add(at23(today.minusMonths(m).with(TemporalAdjusters.lastDayOfMonth())));
    }

    Set<String> kept = RetentionRule.keep(snapshots, Retention.DEFAULT);

    Set<Instant> keptTimes = new HashSet<>();
    kept.forEach(id -> keptTimes.add(snapshots.get(id)));
    assertThat(keptTimes).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(kept).hasSameSizeAs(expected);
  }

  @Test
  void zeroEverywhereStillKeepsTheNewestSnapshot() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Map<String, Instant> snapshots = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      snapshots.put("s" + i, clock.instant());
      clock.advance(Duration.ofHours(5));
    }

    assertThat(RetentionRule.keep(snapshots, new Retention(0, 0, 0, 0))).containsExactly("s49");
  }

  @Test
  void gapsAreSkippedNotCountedAgainstThePolicy() {
    Map<String, Instant> snapshots = new LinkedHashMap<>();
    snapshots.put("jan", Instant.parse("2026-01-10T12:00:00Z"));
    snapshots.put("mar", Instant.parse("2026-03-10T12:00:00Z"));
    snapshots.put("mar-later", Instant.parse("2026-03-20T12:00:00Z"));
    snapshots.put("jun", Instant.parse("2026-06-01T12:00:00Z"));

    assertThat(RetentionRule.keep(snapshots, new Retention(0, 0, 0, 3)))
        .containsExactlyInAnyOrder("jun", "mar-later", "jan");
  }
}
