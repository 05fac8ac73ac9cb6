package io.nxs.doctor.heal;

import io.nxs.core.ext.HealingAction;
import io.nxs.core.state.StateStore;
import io.nxs.doctor.sample.SampleStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Level 1, {@code doctor.clear_caches}: frees what NXS holds and can rebuild — the state database's
 * write-ahead log is checkpointed and truncated (under load it grows to hundreds of MB), the
 * Doctor's series that stopped reporting are dropped, and the JVM runs a full collection so G1 can
 * return free heap to the operating system. Runs without approval; changes no data.
 */
public final class ClearCachesAction implements HealingAction {

  /** Its name in rules and the healing log. */
  public static final String NAME = "doctor.clear_caches";

  private static final Duration STALE = Duration.ofMinutes(10);

  private final StateStore store;
  private final SampleStore samples;
  private final Clock clock;

  public ClearCachesAction(StateStore store, SampleStore samples, Clock clock) {
    this.store = store;
    this.samples = samples;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int level() {
    return 1;
  }

  @Override
  public String description() {
    return "truncate the state database's write-ahead log, drop stale series, return free heap";
  }

  @Override
  public Outcome execute(String target, boolean dryRun) {
    if (dryRun) {
      return new Outcome(true, "would " + description());
    }
    long walPages;
    try (Connection c = store.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      walPages = rs.next() ? rs.getLong(2) : 0;
    } catch (SQLException e) {
      return new Outcome(false, "cannot checkpoint the state database: " + e.getMessage());
    }
    int series = samples.expire(clock.millis() - STALE.toMillis());
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = memory.getHeapMemoryUsage().getCommitted();
    memory.gc();
    long after = memory.getHeapMemoryUsage().getCommitted();
    return new Outcome(
        true,
        String.format(
            Locale.ROOT,
            "checkpointed %d WAL pages and truncated the WAL, dropped %d stale series,"
                + " heap committed %d -> %d MiB",
            walPages,
            series,
            before >> 20,
            after >> 20));
  }
}
