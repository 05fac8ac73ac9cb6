package io.nxs.score;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nxs.audit.AuditLog;
import io.nxs.core.event.EventBus;
import io.nxs.core.metrics.Metrics;
import io.nxs.core.state.StateStore;
import io.nxs.score.audio.AudioScorer;
import io.nxs.score.drift.DriftMonitor;
import io.nxs.score.image.BrisqueModel;
import io.nxs.score.image.BrisqueWorkspaces;
import io.nxs.score.image.ImageScorer;
import io.nxs.score.learned.OnnxScorer;
import io.nxs.score.store.ScoreStore;
import io.nxs.testkit.MutableClock;
import io.nxs.testkit.TempHome;
import java.time.Instant;
import java.util.Map;

/** A real home (state.db, signed audit log) with a score service over it. */
final class ScoreFixture implements AutoCloseable {

  static final BrisqueModel MODEL = BrisqueModel.live();

  final TempHome home = TempHome.create();
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  final StateStore state;
  final AuditLog audit;
  final ScoreStore store;
  final PrometheusMeterRegistry metrics = Metrics.prometheus();
  final EventBus events = new EventBus();
  final ScoringEngine engine;
  final DriftMonitor drift;
  final ScoreService service;

  ScoreFixture() {
    this(ScoreConfig.defaults(), Map.of());
  }

  ScoreFixture(ScoreConfig config, Map<MediaFormat.Kind, OnnxScorer> learned) {
    state = StateStore.open(home.resolve("state.db"));
    state.migrate("core");
    audit = AuditLog.open(state, home.resolve("keys"), clock);
    store = new ScoreStore(state);
    engine =
        new ScoringEngine(
            config,
            clock,
            new ImageScorer(
                MODEL, new BrisqueWorkspaces(clock, BrisqueWorkspaces.IDLE, config.concurrency())),
            new AudioScorer(),
            learned,
            BenchReference.shipped().orElse(null));
    drift = new DriftMonitor(store, config.drift(), clock);
    service = new ScoreService(engine, store, drift, audit, events, metrics, clock);
  }

  @Override
  public void close() {
    service.close();
    engine.close();
    audit.close();
    home.close();
  }
}
