package io.nxs.sync;

import io.nxs.core.ext.HealthSource;
import io.nxs.core.ext.MetricSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Doctor sees of the sync: DEGRADED when the last run failed (with its reason: a remote
 * that is down or refuses the push) or when no run succeeded for three intervals, UP otherwise; and
 * {@code sync.latency_seconds}, {@code sync.lag_seconds}, {@code sync.last_run_ok} and {@code
 * sync.conflicts_24h} as figures (the Doctor's sync latency KPI reads the first).
 */
final class SyncHealth implements HealthSource, MetricSource {

  private final WorkspaceSync sync;
  private final Clock clock;
  private final Instant since;

  SyncHealth(WorkspaceSync sync, Clock clock) {
    this.sync = sync;
    this.clock = clock;
    this.since = clock.instant();
  }

  @Override
  public String name() {
    return "sync";
  }

  @Override
  public Health check() {
    Duration interval = sync.settings().interval();
    Duration overdue = interval.multipliedBy(3);
    Optional<SyncReport> last = sync.lastRun();
    if (last.isPresent() && !last.get().ok()) {
      return new Health(
          Status.DEGRADED,
          "the last sync failed: "
              + last.get().error()
              + " (the workspace was left as it was; retrying every "
              + interval.toSeconds()
              + " s)");
    }
    Instant now = clock.instant();
    Optional<Instant> success = sync.lastSuccess();
    Instant reference = success.orElse(since);
    Duration lag = Duration.between(reference, now);
    if (lag.compareTo(overdue) > 0) {
      return new Health(
          Status.DEGRADED,
          success.isEmpty()
              ? "no sync has completed since the start " + lag.toMinutes() + " min ago"
              : "no sync has completed for " + lag.toMinutes() + " min");
    }
    return new Health(
        Status.UP,
        success.isEmpty()
            ? "waiting for the first sync"
            : "last sync " + lag.toSeconds() + " s ago");
  }

  @Override
  public List<Sample> collect() {
    Instant now = clock.instant();
    double lag =
        sync.lastSuccess().map(s -> (double) Duration.between(s, now).toSeconds()).orElse(-1.0);
    double ok = sync.lastRun().map(r -> r.ok() ? 1.0 : 0.0).orElse(1.0);
    return List.of(
        new Sample("sync.latency_seconds", Map.of(), sync.latencySeconds()),
        new Sample("sync.lag_seconds", Map.of(), lag),
        new Sample("sync.last_run_ok", Map.of(), ok),
        new Sample(
            "sync.conflicts_24h", Map.of(), sync.conflictsSince(now.minus(Duration.ofHours(24)))));
  }
}
