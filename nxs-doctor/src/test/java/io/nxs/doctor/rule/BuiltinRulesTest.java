package io.nxs.doctor.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BuiltinRulesTest {

  @Test
  void thereAre39BuiltinsTheSeeds24AndFifteenForTailsBaselinesProvidersBudgetsBackupsAndShedding() {
    List<Rule> rules = RuleSet.builtin();

    assertThat(rules).hasSize(39);
    Map<String, Long> byCategory =
        rules.stream().collect(Collectors.groupingBy(Rule::category, Collectors.counting()));
    assertThat(byCategory)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "resources",
                9L,
                "network",
                6L,
                "services",
                12L,
                "security",
                4L,
                "performance",
                6L,
                "configuration",
                2L));
    assertThat(rules.stream().map(Rule::id).distinct()).hasSize(39);
  }

  @Test
  void theBuiltinsAreCompiledOnceAndSharedUnmodifiableByEveryRuleSet() throws Exception {
    List<Rule> first = RuleSet.builtin();
    List<Rule> fromAnotherThread =
        java.util.concurrent.CompletableFuture.supplyAsync(RuleSet::builtin).get();

    assertThat(fromAnotherThread).isSameAs(first);
    assertThat(new RuleSet(List.of()).current().all()).containsAll(first);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.add(first.getFirst()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void theSeedsExampleRulesAreAmongTheBuiltins() {
    Map<String, Rule> rules =
        RuleSet.builtin().stream().collect(Collectors.toMap(Rule::id, Function.identity()));

    assertThat(rules.get("disk-space-critical").condition().source())
        .isEqualTo("disk.usage_percent > 95");
    assertThat(rules.get("memory-pressure-high").condition().source())
        .isEqualTo("memory.available_mb < 512 AND memory.pressure > 80");
    assertThat(rules.get("nxs-unresponsive").condition().source())
        .isEqualTo("nxs.last_heartbeat > 60s");
  }
}
