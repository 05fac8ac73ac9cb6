package io.nxs.doctor.kpi;

import io.nxs.core.state.StateStore;
import io.nxs.doctor.db.Jdbc;
import io.nxs.doctor.heal.HealingRecord;
import io.nxs.doctor.incident.Incident;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.doctor.sample.Series;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The resilience KPIs of seed 002 §5 (SPEC DR8), computed from what happened.
 *
 * <p>Uptime over the last {@link #UPTIME_WINDOW}: the daemon records when it is alive (at most once
 * a minute, in {@code doctor_facts}); at a start, the gap since the last record, when longer than
 * two intervals, is a period of downtime ({@code doctor_downtime}). Before the first start is 24 h
 * old the window begins at the first start. Recovery time: the mean time from an incident's first
 * alert to its close. Healing success and false-positive rate: from the healing log (an attempt is
 * a false positive when its triggering condition had already cleared when it ran).
 *
 * <p>The other KPIs are samples other modules publish as metric sources; without them the KPI is
 * absent, never invented: {@code gateway.failover_seconds} (no labels; the mean time from a
 * request's start to the answer of the provider that took over, for the failovers since the
 * previous collection, published only when there were any) gives the mean of its samples in the
 * live window; {@code vault.backup_success_rate} (0-1, share of recent backups that succeeded) its
 * latest value as a percentage; {@code sync.latency_seconds} the largest latest value over its
 * series.
 */
public final class Kpis {

  /** The window uptime is measured over, as the dashboard labels it. */
  public static final Duration UPTIME_WINDOW = Duration.ofHours(24);

  /** Targets of seed 002 §5. */
  public static final Map<String, String> TARGETS =
      Map.of(
          "uptime_percent", "> 99.5",
          "failover_time_seconds", "< 5",
          "recovery_time_seconds", "< 30",
          "backup_success_percent", "> 99",
          "sync_latency_seconds", "< 300",
          "healing_false_positive_percent", "< 5");

  private final Jdbc db;
  private final Clock clock;
  private final Duration interval;
  private final long startedAt;

  public Kpis(StateStore store, Clock clock, Duration interval) {
    this.db = new Jdbc(store, "the Doctor's uptime record");
    this.clock = clock;
    this.interval = interval;
    long now = clock.millis();
    this.startedAt = fact("uptime.started_at").map(Long::parseLong).orElse(now);
    Optional<Long> lastAlive = fact("uptime.last_alive").map(Long::parseLong);
    if (lastAlive.isPresent() && now - lastAlive.get() > 2 * interval.toMillis()) {
      db.update(
          "INSERT INTO doctor_downtime (started_at, ended_at) VALUES (?, ?)",
          s -> {
            s.setLong(1, lastAlive.get());
            s.setLong(2, now);
          });
    }
    setFact("uptime.started_at", Long.toString(startedAt));
    setFact("uptime.last_alive", Long.toString(now));
  }

  /**
   * Records that the daemon is alive, once a tick (one row in state.db, every {@code
   * doctor.interval}): the next start counts a gap over two intervals as downtime, so the record
   * must be as fresh as one interval, and a downtime is dated to within one tick.
   */
  public void alive() {
    setFact("uptime.last_alive", Long.toString(clock.millis()));
  }

  /** The KPIs now. */
  public Map<String, Object> compute(
      List<Incident> incidents, List<HealingRecord> healing, SampleStore samples) {
    long now = clock.millis();
    Map<String, Object> k = new LinkedHashMap<>();
    long from = Math.max(startedAt, now - UPTIME_WINDOW.toMillis());
    k.put("uptime_percent", uptimePercent(from, now));
    k.put("uptime_window", "24h");
    k.put("observed_since", Instant.ofEpochMilli(startedAt).toString());
    incidents.stream()
        .filter(i -> !i.open() && i.closedAt() != null)
        .mapToLong(i -> Duration.between(i.openedAt(), i.closedAt()).toMillis())
        .average()
        .ifPresent(ms -> k.put("recovery_time_seconds", ms / 1000));
    List<HealingRecord> ran =
        healing.stream()
            .filter(
                r ->
                    r.state() == HealingRecord.State.SUCCEEDED
                        || r.state() == HealingRecord.State.FAILED)
            .filter(r -> !r.action().equals("-"))
            .toList();
    if (!ran.isEmpty()) {
      long ok = ran.stream().filter(r -> r.state() == HealingRecord.State.SUCCEEDED).count();
      long unnecessary = ran.stream().filter(HealingRecord::unnecessary).count();
      k.put("healing_success_percent", 100.0 * ok / ran.size());
      k.put("healing_false_positive_percent", 100.0 * unnecessary / ran.size());
    }
    mean(samples, "gateway.failover_seconds").ifPresent(v -> k.put("failover_time_seconds", v));
    latest(samples, "vault.backup_success_rate")
        .ifPresent(v -> k.put("backup_success_percent", 100 * v));
    latest(samples, "sync.latency_seconds").ifPresent(v -> k.put("sync_latency_seconds", v));
    k.put("targets", TARGETS);
    return k;
  }

  private double uptimePercent(long from, long now) {
    long span = now - from;
    if (span <= 0) {
      return 100.0;
    }
    long down =
        db.first(
                "SELECT COALESCE(SUM(MIN(ended_at, ?) - MAX(started_at, ?)), 0) FROM doctor_downtime"
                    + " WHERE ended_at > ? AND started_at < ?",
                s -> {
                  s.setLong(1, now);
                  s.setLong(2, from);
                  s.setLong(3, from);
                  s.setLong(4, now);
                },
                rs -> rs.getLong(1))
            .orElse(0L);
    return 100.0 * (1 - (double) down / span);
  }

  /** The largest newest value over a metric's series. */
  private static OptionalDouble latest(SampleStore samples, String metric) {
    return samples.seriesOf(metric).values().stream()
        .mapToDouble(Series::latest)
        .filter(v -> !Double.isNaN(v))
        .max();
  }

  /** The mean of every live sample of a metric's series. */
  private static OptionalDouble mean(SampleStore samples, String metric) {
    double sum = 0;
    int n = 0;
    for (Series s : samples.seriesOf(metric).values()) {
      for (double v : s.since(Long.MIN_VALUE).values()) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
  }

  private Optional<String> fact(String name) {
    return db.first(
        "SELECT value FROM doctor_facts WHERE name = ?",
        s -> s.setString(1, name),
        rs -> rs.getString(1));
  }

  private void setFact(String name, String value) {
    db.update(
        "INSERT INTO doctor_facts (name, value) VALUES (?, ?)"
            + " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        s -> {
          s.setString(1, name);
          s.setString(2, value);
        });
  }
}
