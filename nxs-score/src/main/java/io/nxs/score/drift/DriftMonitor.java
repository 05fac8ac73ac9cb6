package io.nxs.score.drift;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nxs.core.ext.MetricSource;
import io.nxs.score.Dimension;
import io.nxs.score.Score;
import io.nxs.score.ScoreConfig;
import io.nxs.score.store.ScoreStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Watches the scores for drift (SPEC SC3): for every kind and scorer version with enough scores,
 * each dimension (and quality) of its first {@code reference} scores against its newest {@code
 * recent} ones ({@link Drift}), the confidence trend (mean quality uncertainty, recent over
 * reference), and the human-model agreement rate of the newest feedback. Scores of different scorer
 * versions are never compared.
 *
 * <p>As the Doctor's {@link MetricSource} {@code score} it publishes {@code score.drift_psi} and
 * {@code score.drift_ks_p} ({@code kind, dimension, scorer}), {@code score.confidence_ratio},
 * {@code score.agreement_percent} and {@code score.feedback_count} ({@code kind}), and {@code
 * score.review_queue}; the built-in rules in {@code io/nxs/score/rules.yaml} turn them into alerts.
 * {@link #refresh} recomputes (on the module's schedule); {@link #collect} only reads the last
 * result, so the Doctor's collection stays quick.
 */
public final class DriftMonitor implements MetricSource {

  /** Quality at or above this counts as "keep" when compared with people's verdicts. */
  static final double KEEP_AT = 50;

  /** How many of the newest verdicts the agreement rate uses. */
  static final int VERDICTS = 200;

  private final ScoreStore store;
  private final ScoreConfig.Drift config;
  private final Clock clock;
  private volatile Report last;

  public DriftMonitor(ScoreStore store, ScoreConfig.Drift config, Clock clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.last = new Report(clock.instant(), List.of(), List.of(), 0);
  }

  /**
   * One dimension's drift within one scorer version.
   *
   * @param kind image or audio
   * @param scorer the scorer's name and version
   * @param dimension the dimension, or {@code quality}
   * @param psi the population stability index
   * @param ksP the KS test's p-value
   * @param referenceSize how many scores the reference window holds
   * @param recentSize how many the recent window holds
   */
  public record DimensionDrift(
      String kind,
      String scorer,
      String dimension,
      double psi,
      @JsonProperty("ks_p") double ksP,
      @JsonProperty("reference_size") int referenceSize,
      @JsonProperty("recent_size") int recentSize) {}

  /**
   * One kind's trust figures.
   *
   * @param kind image or audio
   * @param confidenceRatio recent mean quality uncertainty over the reference's (per scorer
   *     version, the newest one with enough scores); NaN-free: absent when not computable
   * @param agreementRate share of the newest verdicts the score agreed with (up/kept with quality
   *     at least 50, down/deleted below it); null without feedback
   * @param feedbackCount how many verdicts that rate rests on
   */
  public record Trust(
      String kind, Double confidenceRatio, Double agreementRate, int feedbackCount) {}

  /** What the last refresh found. */
  public record Report(
      Instant at,
      List<DimensionDrift> dimensions,
      List<Trust> trust,
      @JsonProperty("review_queue") int reviewQueue) {}

  /** Recomputes every figure from the store. */
  public Report refresh() {
    List<DimensionDrift> dims = new ArrayList<>();
    List<Trust> trust = new ArrayList<>();
    for (String kind : List.of("image", "audio")) {
      Double confidence = null;
      for (String[] v : store.versions(kind)) {
        String scorer = v[0];
        String version = v[1];
        int count = store.countScored(kind, scorer, version);
        if (count < config.reference() + config.recent()) {
          continue;
        }
        List<Score> ref = store.window(kind, scorer, version, config.reference(), true);
        List<Score> recent = store.window(kind, scorer, version, config.recent(), false);
        Set<String> names = new LinkedHashSet<>();
        names.add("quality");
        ref.forEach(s -> names.addAll(s.dimensions().keySet()));
        for (String name : names) {
          double[] a = values(ref, name);
          double[] b = values(recent, name);
          if (a.length < 20 || b.length < 20) {
            continue;
          }
          Drift.Result r = Drift.between(a, b);
          dims.add(
              new DimensionDrift(
                  kind, scorer + "@" + version, name, r.psi(), r.ksP(), a.length, b.length));
        }
        double refUnc = meanUncertainty(ref);
        double recUnc = meanUncertainty(recent);
        if (refUnc > 0) {
          confidence = recUnc / refUnc;
        }
      }
      List<ScoreStore.Verdict> verdicts = store.verdicts(kind, VERDICTS);
      Double agreement = null;
      if (!verdicts.isEmpty()) {
        int agree = 0;
        for (ScoreStore.Verdict v : verdicts) {
          boolean keep = v.verdict().equals("up") || v.verdict().equals("kept");
          if (keep == (v.quality() >= KEEP_AT)) {
            agree++;
          }
        }
        agreement = (double) agree / verdicts.size();
      }
      trust.add(new Trust(kind, confidence, agreement, verdicts.size()));
    }
    last = new Report(clock.instant(), List.copyOf(dims), List.copyOf(trust), store.reviewCount());
    return last;
  }

  /** The last refresh's report. */
  public Report last() {
    return last;
  }

  @Override
  public String name() {
    return "score";
  }

  @Override
  public List<Sample> collect() {
    Report r = last;
    List<Sample> out = new ArrayList<>();
    out.add(new Sample("score.review_queue", Map.of(), r.reviewQueue()));
    for (DimensionDrift d : r.dimensions()) {
      Map<String, String> labels =
          Map.of("kind", d.kind(), "dimension", d.dimension(), "scorer", d.scorer());
      out.add(new Sample("score.drift_psi", labels, d.psi()));
      out.add(new Sample("score.drift_ks_p", labels, d.ksP()));
    }
    for (Trust t : r.trust()) {
      Map<String, String> labels = Map.of("kind", t.kind());
      if (t.confidenceRatio() != null) {
        out.add(new Sample("score.confidence_ratio", labels, t.confidenceRatio()));
      }
      if (t.agreementRate() != null) {
        out.add(new Sample("score.agreement_percent", labels, 100 * t.agreementRate()));
      }
      out.add(new Sample("score.feedback_count", labels, t.feedbackCount()));
    }
    return out;
  }

  /** Supplier form for callers that want the freshest report without recomputing. */
  public Supplier<Report> view() {
    return () -> last;
  }

  private static double[] values(List<Score> scores, String name) {
    return scores.stream()
        .map(s -> name.equals("quality") ? s.quality() : s.dimensions().get(name))
        .filter(java.util.Objects::nonNull)
        .mapToDouble(Dimension::value)
        .toArray();
  }

  private static double meanUncertainty(List<Score> scores) {
    return scores.stream()
        .map(Score::quality)
        .filter(java.util.Objects::nonNull)
        .mapToDouble(Dimension::uncertainty)
        .average()
        .orElse(0);
  }
}
