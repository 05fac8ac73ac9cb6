package io.nxs.doctor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleLoader;
import io.nxs.doctor.rule.RuleSet;
import io.nxs.doctor.sample.SampleStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rule evaluator on one metric's series from tick to tick: series that come, go stale or change
 * value between ticks get the verdict of their newest value, never one remembered from another
 * series or an earlier value.
 */
class RuleEvaluatorTest {

  private static final Map<String, String> A = Map.of("host", "a");
  private static final Map<String, String> B = Map.of("host", "b");
  private static final Map<String, String> C = Map.of("host", "c");

  private final SampleStore samples =
      new SampleStore(Duration.ofHours(1), Duration.ofSeconds(10), 100);
  private final RuleEvaluator evaluator = new RuleEvaluator();
  private final RuleSet.Snapshot rules = rules("m > 50");
  private final Set<String> open = new java.util.HashSet<>();
  private final RuleEvaluator.OpenAlerts alerts =
      new RuleEvaluator.OpenAlerts() {
        @Override
        public boolean anyOpen(String ruleId) {
          return open.stream().anyMatch(k -> k.startsWith(ruleId));
        }

        @Override
        public boolean isOpen(String key) {
          return open.contains(key);
        }
      };

  @Test
  void eachSeriesGetsTheVerdictOfItsNewestValueAsSeriesComeAndGoStale() {
    samples.add("m", A, 1_000, 70);
    samples.add("m", B, 1_000, 10);
    assertThat(holding(0)).containsExactly(A);

    // a new series (the metric's series change) and a value that crosses the threshold down
    samples.add("m", A, 2_000, 20);
    samples.add("m", B, 2_000, 10);
    samples.add("m", C, 2_000, 80);
    assertThat(holding(2_000)).containsExactly(C);

    // b crosses up; c is not sampled again and goes stale, so it no longer holds
    samples.add("m", A, 3_000, 20);
    samples.add("m", B, 3_000, 90);
    assertThat(holding(3_000)).containsExactly(B);

    // the same values again: the same verdicts; then a value back to an old one
    assertThat(holding(3_000)).containsExactly(B);
    samples.add("m", A, 4_000, 70);
    samples.add("m", B, 4_000, 90);
    assertThat(holding(4_000)).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void aRuleWithAnOpenAlertSeesTheClearingSeriesToo() {
    samples.add("m", A, 1_000, 70);
    samples.add("m", B, 1_000, 10);
    open.add(Alert.key("r", A));

    RuleEvaluator.Evaluation e = evaluator.evaluate(rules, samples, 0, alerts);

    assertThat(e.findings())
        .extracting(RuleEvaluator.Finding::labels, RuleEvaluator.Finding::verdict)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(A, RuleEvaluator.Verdict.HOLDS));
    assertThat(e.seen()).containsExactlyInAnyOrder(Alert.key("r", A), Alert.key("r", B));
    samples.add("m", A, 2_000, 30);
    samples.add("m", B, 2_000, 10);
    assertThat(evaluator.evaluate(rules, samples, 2_000, alerts).findings())
        .extracting(RuleEvaluator.Finding::labels, RuleEvaluator.Finding::verdict)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(A, RuleEvaluator.Verdict.CLEAR));
  }

  private List<Map<String, String>> holding(long freshAfter) {
    return evaluator.evaluate(rules, samples, freshAfter, alerts).findings().stream()
        .filter(f -> f.verdict() == RuleEvaluator.Verdict.HOLDS)
        .map(RuleEvaluator.Finding::labels)
        .collect(Collectors.toList());
  }

  private static RuleSet.Snapshot rules(String condition) {
    RuleLoader.Result r =
        RuleLoader.parse(
            "rules:\n  - id: r\n    severity: low\n    condition: \"" + condition + "\"\n",
            "t.yaml");
    assertThat(r.problems()).isEmpty();
    Map<String, Rule> byId = new LinkedHashMap<>();
    r.rules().forEach(x -> byId.put(x.id(), x));
    return new RuleSet.Snapshot(byId, List.of(), List.of());
  }
}
