package io.nxs.doctor.collect;

import io.nxs.core.ext.MetricSource;
import io.nxs.core.state.CorruptStateException;
import io.nxs.core.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nxs.state_ok}: 1 while the state database passes SQLite's quick integrity check, 0 when it
 * does not (the built-in {@code state-db-damaged} rule, healed by restoring from a verified
 * backup). The check reads the whole file, so it runs at most once per {@code every} and the last
 * result is reported in between.
 */
public final class StateCollector implements MetricSource {

  private static final Logger LOG = LoggerFactory.getLogger(StateCollector.class);

  private final StateStore store;
  private final Clock clock;
  private final Duration every;
  private long checkedAt = Long.MIN_VALUE;
  private double ok = 1;

  public StateCollector(StateStore store, Clock clock, Duration every) {
    this.store = store;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public String name() {
    return "state";
  }

  @Override
  public synchronized List<Sample> collect() {
    long now = clock.millis();
    if (checkedAt == Long.MIN_VALUE || now - checkedAt >= every.toMillis()) {
      checkedAt = now;
      try {
        store.checkIntegrity();
        ok = 1;
      } catch (CorruptStateException e) {
        LOG.error("{}", e.getMessage());
        ok = 0;
      }
    }
    return List.of(new Sample("nxs.state_ok", Map.of(), ok));
  }
}
