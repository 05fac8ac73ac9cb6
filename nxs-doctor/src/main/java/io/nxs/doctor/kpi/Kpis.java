package io.nxs.doctor.kpi;

import io.nxs.core.NxsException;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.heal.HealingRecord;
import io.nxs.doctor.incident.Incident;
import io.nxs.doctor.sample.SampleStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resilience KPIs of seed 002 §5 (SPEC DR8), computed from what happened.
 *
 * <p>Uptime: the daemon records when it is alive (at most once a minute, in {@code doctor_facts});
 * a gap longer than two intervals between the last record and a start is downtime. Recovery time:
 * the mean time from an incident's first alert to its close. Healing success and false-positive
 * rate: from the healing log (an attempt is a false positive when its triggering condition had
 * already cleared when it ran). Failover time, backup success rate and sync latency are the figures
 * the gateway, vault and sync modules publish as metric sources ({@code gateway.failover_seconds},
 * {@code vault.backup_success_ratio}, {@code sync.latency_seconds}); without them the KPI is
 * absent, never invented.
 */
public final class Kpis {

  private final StateStore store;
  private final Clock clock;
  private final Duration interval;
  private final long startedAt;
  private long downtimeMs;
  private long lastRecorded;

  /** Targets of seed 002 §5. */
  public static final Map<String, String> TARGETS =
      Map.of(
          "uptime_percent", "> 99.5",
          "failover_time_seconds", "< 5",
          "recovery_time_seconds", "< 30",
          "backup_success_percent", "> 99",
          "sync_latency_seconds", "< 300",
          "healing_false_positive_percent", "< 5");

  public Kpis(StateStore store, Clock clock, Duration interval) {
    this.store = store;
    this.clock = clock;
    this.interval = interval;
    long now = clock.millis();
    this.startedAt = fact("uptime.started_at").map(Long::parseLong).orElse(now);
    this.downtimeMs = fact("uptime.downtime_ms").map(Long::parseLong).orElse(0L);
    Optional<Long> lastAlive = fact("uptime.last_alive").map(Long::parseLong);
    if (lastAlive.isPresent() && now - lastAlive.get() > 2 * interval.toMillis()) {
      downtimeMs += now - lastAlive.get();
    }
    setFact("uptime.started_at", Long.toString(startedAt));
    setFact("uptime.downtime_ms", Long.toString(downtimeMs));
    setFact("uptime.last_alive", Long.toString(now));
    lastRecorded = now;
  }

  /** Records that the daemon is alive (written at most once a minute). */
  public void alive() {
    long now = clock.millis();
    if (now - lastRecorded >= Math.min(60_000, interval.toMillis())) {
      setFact("uptime.last_alive", Long.toString(now));
      lastRecorded = now;
    }
  }

  /** The KPIs now. */
  public Map<String, Object> compute(
      List<Incident> incidents, List<HealingRecord> healing, SampleStore samples) {
    long now = clock.millis();
    Map<String, Object> k = new LinkedHashMap<>();
    long span = Math.max(1, now - startedAt);
    k.put("uptime_percent", 100.0 * (1 - (double) downtimeMs / span));
    k.put("observed_since", java.time.Instant.ofEpochMilli(startedAt).toString());
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
    latest(samples, "gateway.failover_seconds").ifPresent(v -> k.put("failover_time_seconds", v));
    latest(samples, "vault.backup_success_ratio")
        .ifPresent(v -> k.put("backup_success_percent", 100 * v));
    latest(samples, "sync.latency_seconds").ifPresent(v -> k.put("sync_latency_seconds", v));
    k.put("targets", TARGETS);
    return k;
  }

  private static Optional<Double> latest(SampleStore samples, String metric) {
    return samples.seriesOf(metric).values().stream()
        .map(s -> s.latest())
        .filter(v -> !v.isNaN())
        .findFirst();
  }

  private Optional<String> fact(String name) {
    try (Connection c = store.connect();
        PreparedStatement q = c.prepareStatement("SELECT value FROM doctor_facts WHERE name = ?")) {
      q.setString(1, name);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new NxsException("cannot read the Doctor's facts: " + e.getMessage(), e);
    }
  }

  private void setFact(String name, String value) {
    try (Connection c = store.connect();
        PreparedStatement u =
            c.prepareStatement(
                "INSERT INTO doctor_facts (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
      u.setString(1, name);
      u.setString(2, value);
      u.executeUpdate();
    } catch (SQLException e) {
      throw new NxsException("cannot write the Doctor's facts: " + e.getMessage(), e);
    }
  }
}
