package io.nxs.doctor.sample;

import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.Jdbc;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The downsampled sample history in SQLite: minute aggregates (kept {@link #MINUTE_RETENTION}),
 * rolled up into hourly ones (kept for the configured retention, 8 days by default) for the 7-day
 * baselines of SPEC DR5.
 */
public final class SampleHistory {

  /** How long minute rows are kept. */
  public static final Duration MINUTE_RETENTION = Duration.ofDays(2);

  private final Jdbc db;
  private final Duration retention;
  private long rolledUpToHour = Long.MIN_VALUE;

  public SampleHistory(StateStore store, Duration retention) {
    this.db = new Jdbc(store, "the Doctor's sample history");
    this.retention = retention;
  }

  /**
   * Writes completed minute aggregates, rolls finished hours up and expires old rows, in one
   * transaction.
   */
  public void write(List<MinuteBucket> buckets, long nowMillis) {
    long currentHour = Math.floorDiv(nowMillis, 3_600_000L) * 3_600_000L;
    if (buckets.isEmpty() && currentHour <= rolledUpToHour) {
      return;
    }
    db.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO doctor_samples_1m"
                      + " (series, metric, minute, avg, min, max, count) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (MinuteBucket b : buckets) {
              insert.setString(1, b.key().toString());
              insert.setString(2, b.key().metric());
              insert.setLong(3, b.minuteStartMillis());
              insert.setDouble(4, b.avg());
              insert.setDouble(5, b.min());
              insert.setDouble(6, b.max());
              insert.setInt(7, b.count());
              insert.addBatch();
            }
            insert.executeBatch();
          }
          if (currentHour > rolledUpToHour) {
            try (PreparedStatement rollup =
                c.prepareStatement(
                    "INSERT OR REPLACE INTO doctor_samples_1h (series, metric, hour, avg, min, max, count)"
                        + " SELECT series, metric, (minute / 3600000) * 3600000 AS h,"
                        + " SUM(avg * count) / SUM(count), MIN(min), MAX(max), SUM(count)"
                        + " FROM doctor_samples_1m WHERE minute >= ? AND minute < ?"
                        + " GROUP BY series, metric, h")) {
              rollup.setLong(1, currentHour - 3 * 3_600_000L);
              rollup.setLong(2, currentHour);
              rollup.executeUpdate();
            }
            try (PreparedStatement expire =
                c.prepareStatement("DELETE FROM doctor_samples_1m WHERE minute < ?")) {
              expire.setLong(1, nowMillis - MINUTE_RETENTION.toMillis());
              expire.executeUpdate();
            }
            try (PreparedStatement expire =
                c.prepareStatement("DELETE FROM doctor_samples_1h WHERE hour < ?")) {
              expire.setLong(1, nowMillis - retention.toMillis());
              expire.executeUpdate();
            }
          }
        });
    if (currentHour > rolledUpToHour) {
      rolledUpToHour = currentHour;
    }
  }

  /**
   * The average of a series over a past period from the hourly rows (the baseline), or empty when
   * there is no history yet.
   */
  public OptionalDouble average(SeriesKey key, long fromMillis, long toMillis) {
    return db.first(
            "SELECT SUM(avg * count) / SUM(count) FROM doctor_samples_1h"
                + " WHERE series = ? AND hour >= ? AND hour < ?",
            q -> {
              q.setString(1, key.toString());
              q.setLong(2, fromMillis);
              q.setLong(3, toMillis);
            },
            rs -> {
              double v = rs.getDouble(1);
              return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(v);
            })
        .orElse(OptionalDouble.empty());
  }

  /** Rows held: minute rows and hour rows. */
  public long[] rowCounts() {
    return db.first(
            "SELECT (SELECT COUNT(*) FROM doctor_samples_1m), (SELECT COUNT(*) FROM doctor_samples_1h)",
            Jdbc.Binder.NONE,
            rs -> new long[] {rs.getLong(1), rs.getLong(2)})
        .orElseThrow();
  }
}
