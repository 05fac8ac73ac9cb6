package io.nxs.score;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.event.EventBus;
import io.nxs.score.drift.DriftMonitor;
import io.nxs.score.store.ScoreStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scoring capability's front: score a file and keep the score, look one up, list the review
 * queue, record people's feedback, report drift. Each operation is one call into the engine, the
 * store or the drift monitor, wrapped in the steps every score shares (timer, counters, event).
 */
public final class ScoreService implements AutoCloseable {

  /** The verdicts people give. */
  public static final Set<String> VERDICTS = Set.of("up", "down", "kept", "deleted");

  private static final char[] ID_CHARS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ScoringEngine engine;
  private final ScoreStore store;
  private final DriftMonitor drift;
  private final AuditTrail audit;
  private final EventBus events;
  private final MeterRegistry metrics;
  private final Clock clock;

  public ScoreService(
      ScoringEngine engine,
      ScoreStore store,
      DriftMonitor drift,
      AuditTrail audit,
      EventBus events,
      MeterRegistry metrics,
      Clock clock) {
    this.engine = engine;
    this.store = store;
    this.drift = drift;
    this.audit = audit;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    Gauge.builder("nxs_score_review_queue", store, ScoreStore::reviewCount)
        .description("Scores waiting for a person's look")
        .register(metrics);
  }

  /**
   * Scores a file and keeps the score; never throws for bad input (that is a {@code rejected}
   * score).
   *
   * @param file the name it came with
   * @param contentType what the sender says it is, or null
   */
  public Score score(byte[] bytes, String file, String contentType) {
    Timer.Sample timing = Timer.start(metrics);
    ScoringEngine.Outcome o =
        engine.score(newId(), bytes, file == null ? "upload" : file, contentType);
    Score s = o.score();
    store.save(s, o.rejectCode(), o.review());
    String kind = s.kind() == null ? "unknown" : s.kind();
    timing.stop(
        Timer.builder("nxs_score_duration_seconds")
            .description("Time to decode and score one file")
            .tags("kind", kind)
            .register(metrics));
    Counter.builder("nxs_score_items_total")
        .description("Files scored, by kind and status")
        .tags("kind", kind, "status", s.status())
        .register(metrics)
        .increment();
    if (o.rejectCode() != null) {
      Counter.builder("nxs_score_rejections_total")
          .description("Files refused, by reason")
          .tags("reason", o.rejectCode())
          .register(metrics)
          .increment();
    }
    events.publish(
        new ScoreEvent(
            s.createdAt(),
            s.id(),
            s.kind(),
            s.status(),
            s.quality() == null ? null : s.quality().value(),
            o.review()));
    return s;
  }

  /** A score by id. */
  public Optional<Score> find(String id) {
    return store.find(id);
  }

  /** The review queue, oldest first. */
  public List<Score> reviewQueue(int limit) {
    return store.reviewQueue(limit);
  }

  /** How many scores wait for review. */
  public int reviewCount() {
    return store.reviewCount();
  }

  /** The newest scores. */
  public List<Score> recent(int limit) {
    return store.recent(limit);
  }

  /** Totals by status. */
  public Map<String, Integer> counts() {
    return store.countsByStatus();
  }

  /**
   * Records a person's verdict on a score (audited) and takes it out of the review queue.
   *
   * @throws IllegalArgumentException for a verdict other than up, down, kept, deleted
   * @return false when there is no such score
   */
  public boolean feedback(String id, String verdict, String actor) {
    String v = verdict == null ? "" : verdict.toLowerCase(Locale.ROOT);
    if (!VERDICTS.contains(v)) {
      throw new IllegalArgumentException(
          "verdict must be up, down, kept or deleted, but was '" + verdict + "'");
    }
    boolean found = store.feedback(id, v, actor, clock.instant());
    if (found) {
      audit.append(
          new AuditEvent("score.feedback", Severity.INFO, actor, id, Map.of("verdict", v)));
    }
    return found;
  }

  /** The drift figures, recomputed now. */
  public DriftMonitor.Report refreshDrift() {
    return drift.refresh();
  }

  /** The drift figures of the last refresh. */
  public DriftMonitor.Report drift() {
    return drift.last();
  }

  /** The engine, for status and the bench. */
  public ScoringEngine engine() {
    return engine;
  }

  /** Closes the store's kept connection. */
  @Override
  public void close() {
    store.close();
  }

  /** A new score id: {@code sc-} and 16 random base-32 characters. */
  static String newId() {
    StringBuilder b = new StringBuilder("sc-");
    for (int i = 0; i < 16; i++) {
      b.append(ID_CHARS[RANDOM.nextInt(ID_CHARS.length)]);
    }
    return b.toString();
  }
}
