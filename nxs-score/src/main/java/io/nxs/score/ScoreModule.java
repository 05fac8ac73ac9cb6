package io.nxs.score;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nxs.core.NxsException;
import io.nxs.core.Severity;
import io.nxs.core.audit.AuditEvent;
import io.nxs.core.audit.AuditTrail;
import io.nxs.core.config.ConfigSection;
import io.nxs.core.event.EventBus;
import io.nxs.core.ext.ReadinessCheck;
import io.nxs.core.ext.RuleSource;
import io.nxs.core.http.HttpRoutes;
import io.nxs.core.module.ModuleContext;
import io.nxs.core.module.NxsModule;
import io.nxs.core.state.StateStore;
import io.nxs.core.time.BlockingTick;
import io.nxs.score.audio.AudioScorer;
import io.nxs.score.drift.DriftMonitor;
import io.nxs.score.image.BrisqueModel;
import io.nxs.score.image.BrisqueWorkspaces;
import io.nxs.score.image.ImageScorer;
import io.nxs.score.learned.OnnxScorer;
import io.nxs.score.store.ScoreStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quality scoring in the daemon (SPEC SC1-SC4): the built-in image and voice scorers checked
 * against their goldens, the operator's learned models if any, the {@code /api/v1/score} routes,
 * the drift monitor on its schedule as the Doctor's metric source {@code score}, and the built-in
 * Doctor rules that turn drift into alerts (rule source {@code score}).
 */
public final class ScoreModule implements NxsModule {

  private static final Logger LOG = LoggerFactory.getLogger(ScoreModule.class);

  private ScoringEngine engine;
  private ScoreService service;
  private BlockingTick refresh;
  private BlockingTick release;

  @Override
  public String name() {
    return "score";
  }

  @Override
  public List<ConfigSection<?>> configSections() {
    return List.of(ScoreConfig.SECTION);
  }

  @Override
  public List<String> migrationFolders() {
    return List.of("score");
  }

  @Override
  public void start(ModuleContext ctx) {
    ScoreConfig config = ctx.config().section(ScoreConfig.SECTION);
    engine = build(ctx.home(), config, ctx.clock(), ctx.audit());
    // The golden check of a kind runs at its first score, which waits for it: not on the start
    // path (it took a quarter of the start's CPU on two cores), and not in an idle daemon either,
    // which would then keep the image and audio decoders' classes, AWT's disposer thread and the
    // BRISQUE model resident for good without ever scoring (ADR 0095).
    for (MediaFormat.Kind kind : MediaFormat.Kind.values()) {
      gateOnGoldens(engine, ctx.audit(), kind);
    }
    ScoreStore store = new ScoreStore(ctx.store());
    DriftMonitor drift = new DriftMonitor(store, config.drift(), ctx.clock());
    service =
        new ScoreService(
            engine, store, drift, ctx.audit(), ctx.events(), ctx.metrics(), ctx.clock());
    ctx.extensions().metricSources().register(drift);
    ctx.extensions().ruleSources().register(rules());
    ctx.extensions()
        .readinessChecks()
        .register(
            new ReadinessCheck() {
              @Override
              public String name() {
                return "score";
              }

              @Override
              public Readiness check() {
                Map<MediaFormat.Kind, String> off = engine.disabled();
                List<String> unchecked =
                    Arrays.stream(MediaFormat.Kind.values())
                        .filter(kind -> !engine.checkedYet(kind))
                        .map(MediaFormat.Kind::label)
                        .toList();
                if (off.isEmpty() && !unchecked.isEmpty()) {
                  return new Readiness(
                      true,
                      "checked against their goldens at the first score: "
                          + String.join(", ", unchecked));
                }
                return off.isEmpty()
                    ? Readiness.ok()
                    : new Readiness(
                        off.size() < 2, "out of service: " + off.keySet() + " " + off.values());
              }
            });
    refresh =
        BlockingTick.every(
            ctx.scheduler(),
            "score-drift",
            Duration.ZERO,
            config.drift().interval(),
            this::refreshDrift);
    release =
        BlockingTick.every(
            ctx.scheduler(),
            "score-release",
            BrisqueWorkspaces.IDLE.dividedBy(2),
            this::releaseWorkspaces);
  }

  /**
   * Lets go of the image buffers (decoding, BRISQUE) no image used for {@link
   * BrisqueWorkspaces#IDLE}, then asks for a full collection: arrays this large live in the old
   * generation, which only a full collection frees and only then shrinks, so without it an idle
   * daemon would stay as large as its busiest minute.
   */
  private void releaseWorkspaces() {
    long bytes = engine.releaseIdleBuffers();
    if (bytes > 0) {
      System.gc();
      LOG.info("score: released {} MB of idle image buffers", bytes >> 20);
    }
  }

  private void refreshDrift() {
    try {
      service.refreshDrift();
    } catch (NxsException e) {
      LOG.warn("score drift refresh failed: {}", e.getMessage());
    }
  }

  /**
   * The scoring engine for a home: the built-in scorers, checked against their goldens (a scorer
   * that disagrees is taken out of service, logged and audited), and the operator's learned models
   * (one that does not load is refused, logged and audited; the built-in scorer answers alone). The
   * daemon and the CLI's offline mode both start here.
   */
  public static ScoringEngine engine(Path home, ScoreConfig config, Clock clock, AuditTrail audit) {
    ScoringEngine engine = build(home, config, clock, audit);
    checkGoldens(engine, audit, EnumSet.allOf(MediaFormat.Kind.class));
    return engine;
  }

  private static ScoringEngine build(Path home, ScoreConfig config, Clock clock, AuditTrail audit) {
    Map<MediaFormat.Kind, OnnxScorer> learned = new EnumMap<>(MediaFormat.Kind.class);
    load(home, audit, config.models().image(), MediaFormat.Kind.IMAGE, learned);
    load(home, audit, config.models().audio(), MediaFormat.Kind.AUDIO, learned);
    ScoringEngine engine =
        new ScoringEngine(
            config,
            clock,
            new ImageScorer(
                BrisqueModel::live,
                new BrisqueWorkspaces(clock, BrisqueWorkspaces.IDLE, config.concurrency())),
            new AudioScorer(),
            learned,
            BenchReference.shipped().orElse(null));
    return engine;
  }

  /**
   * Makes {@code kind}'s scores wait for its golden check, which the first of them begins on a
   * thread of its own.
   */
  private static void gateOnGoldens(ScoringEngine engine, AuditTrail audit, MediaFormat.Kind kind) {
    CompletableFuture<Void> checked = new CompletableFuture<>();
    AtomicBoolean begun = new AtomicBoolean();
    engine.gate(
        kind,
        checked,
        () -> {
          if (begun.compareAndSet(false, true)) {
            Thread.ofVirtual()
                .name("score-goldens-" + kind.label())
                .start(
                    () -> {
                      try {
                        checkGoldens(engine, audit, EnumSet.of(kind));
                        checked.complete(null);
                      } catch (RuntimeException | Error failure) {
                        checked.completeExceptionally(failure);
                        throw failure;
                      }
                    });
          }
        });
  }

  /** Takes a built-in scorer that disagrees with its goldens out of service, logged and audited. */
  private static void checkGoldens(
      ScoringEngine engine, AuditTrail audit, Set<MediaFormat.Kind> kinds) {
    Map<MediaFormat.Kind, List<String>> found;
    try {
      found = Goldens.check(engine, kinds);
    } catch (RuntimeException e) {
      for (MediaFormat.Kind kind : kinds) {
        engine.disable(kind, "its golden references could not be checked: " + e.getMessage());
      }
      LOG.error("the golden references could not be checked: {}", e.getMessage());
      return;
    }
    found.forEach(
        (kind, problems) -> {
          if (!problems.isEmpty()) {
            String reason =
                "it disagrees with its golden references: " + String.join("; ", problems);
            engine.disable(kind, reason);
            LOG.error("the built-in {} scorer is not used: {}", kind.label(), reason);
            audit.append(
                new AuditEvent(
                    "score.golden_failed",
                    Severity.HIGH,
                    "nxs",
                    kind.label(),
                    Map.of("problems", problems)));
          }
        });
  }

  /** A score service over a home's state, for the CLI when the daemon is not running. */
  public static ScoreService offline(
      ScoringEngine engine, StateStore state, ScoreConfig config, AuditTrail audit, Clock clock) {
    ScoreStore store = new ScoreStore(state);
    return new ScoreService(
        engine,
        store,
        new DriftMonitor(store, config.drift(), clock),
        audit,
        new EventBus(),
        new SimpleMeterRegistry(),
        clock);
  }

  private static void load(
      Path home,
      AuditTrail audit,
      ScoreConfig.Model model,
      MediaFormat.Kind kind,
      Map<MediaFormat.Kind, OnnxScorer> into) {
    if (model == null) {
      return;
    }
    Path path = home.resolve(model.path());
    try {
      into.put(kind, OnnxScorer.load(path, model, kind));
      LOG.info("learned {} scorer {} loaded", kind.label(), path);
    } catch (NxsException e) {
      LOG.error(
          "learned {} scorer not used, the built-in one answers alone: {}",
          kind.label(),
          e.getMessage());
      audit.append(
          new AuditEvent(
              "score.model_rejected",
              Severity.MEDIUM,
              "nxs",
              path.toString(),
              Map.of("reason", e.getMessage())));
    }
  }

  /** The built-in Doctor rules for score drift and agreement. */
  public static RuleSource rules() {
    return RuleSource.ofResource(
        "score", "nxs-score", ScoreModule.class, "io/nxs/score/rules.yaml");
  }

  /** The service, once started. */
  public ScoreService service() {
    return service;
  }

  @Override
  public List<HttpRoutes> routes() {
    return List.of(new ScoreRoutes(service));
  }

  @Override
  public void close() {
    if (refresh != null) {
      refresh.close();
    }
    if (release != null) {
      release.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (service != null) {
      service.close();
    }
  }
}
