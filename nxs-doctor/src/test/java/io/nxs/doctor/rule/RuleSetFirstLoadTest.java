package io.nxs.doctor.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.ext.RuleSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule set reads nothing when made, and loads once, at its first use (ADR 0064). */
class RuleSetFirstLoadTest {

  @TempDir Path dir;

  private static final String BROKEN =
      """
      rules:
        - id: gpu-broken
          severity: severe
          condition: "gpu.temperature_c > 99"
      """;

  @Test
  void nothingIsReadWhenTheSetIsMadeAndTheFirstUseLoadsAndReportsItsProblemsOnce()
      throws Exception {
    Files.writeString(dir.resolve("gpu.yaml"), BROKEN);
    AtomicInteger asked = new AtomicInteger();
    RuleSource shipped =
        new RuleSource() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public String origin() {
            return "nxs-test:rules.yaml";
          }

          @Override
          public String rulesYaml() {
            asked.incrementAndGet();
            return "rules: []\n";
          }
        };
    List<List<RuleProblem>> heard = new ArrayList<>();

    RuleSet rules = new RuleSet(List.of(dir), List.of(shipped), heard::add);

    assertThat(asked).hasValue(0);
    assertThat(heard).isEmpty();

    RuleSet.Snapshot first = rules.current();

    assertThat(asked).hasValue(1);
    assertThat(first.all()).containsAll(RuleSet.builtin());
    assertThat(heard)
        .singleElement()
        .satisfies(
            problems ->
                assertThat(problems)
                    .singleElement()
                    .satisfies(p -> assertThat(p.ruleId()).isEqualTo("gpu-broken")));
    assertThat(rules.current()).isSameAs(first);
    assertThat(rules.reloadIfChanged()).isEmpty();
    assertThat(asked).hasValue(1);
    assertThat(heard).hasSize(1);
  }

  @Test
  void callersOnTwoThreadsAtTheFirstUseGetTheSameLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    RuleSet rules = new RuleSet(List.of(dir), List.of(), problems -> loads.incrementAndGet());

    CompletableFuture<RuleSet.Snapshot> other = CompletableFuture.supplyAsync(rules::current);
    RuleSet.Snapshot here = rules.current();

    assertThat(other.get()).isSameAs(here);
    assertThat(loads).hasValue(1);
  }
}
