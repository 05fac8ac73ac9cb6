package io.nxs.doctor.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.nxs.core.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RuleLoaderTest {

  static String seedRules() throws IOException {
    try (InputStream in =
        RuleLoaderTest.class.getResourceAsStream("/io/nxs/doctor/seed-rules.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theSeedsThreeExampleRulesLoadAsWritten() throws IOException {
    RuleLoader.Result r = RuleLoader.parse(seedRules(), "seed-rules.yaml");

    assertThat(r.problems()).isEmpty();
    assertThat(r.rules())
        .extracting(Rule::id)
        .containsExactly("disk-space-critical", "memory-pressure-high", "nxs-unresponsive");
    Rule disk = r.rules().get(0);
    assertThat(disk.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(disk.duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(disk.autoResolve()).isTrue();
    assertThat(disk.message()).contains("Disk {{disk.mount}} at {{disk.usage_percent}}%");
    assertThat(disk.suggestion()).contains("doctor.clean_tmp");
    assertThat(disk.category()).isEqualTo("resources");
    Rule memory = r.rules().get(1);
    assertThat(memory.condition().metrics())
        .containsExactly("memory.available_mb", "memory.pressure");
    assertThat(memory.duration()).isEqualTo(Duration.ofSeconds(30));
    Rule nxs = r.rules().get(2);
    assertThat(nxs.autoResolve()).isFalse();
    assertThat(nxs.duration()).isZero();
    assertThat(nxs.escalation())
        .hasValueSatisfying(
            e -> {
              assertThat(e.after()).isEqualTo(Duration.ofMinutes(5));
              assertThat(e.action()).isEqualTo("doctor.restart_nxs");
            });
  }

  @Test
  void theSeedConditionsEvaluateWithDurationsAndAndOr() throws IOException {
    Map<String, Rule> rules =
        RuleLoader.parse(seedRules(), "seed-rules.yaml").rules().stream()
            .collect(Collectors.toMap(Rule::id, r -> r));

    assertThat(
            rules.get("disk-space-critical").condition().test(Map.of("disk.usage_percent", 98.0)))
        .isTrue();
    assertThat(
            rules.get("disk-space-critical").condition().test(Map.of("disk.usage_percent", 95.0)))
        .isFalse();
    Condition memory = rules.get("memory-pressure-high").condition();
    assertThat(memory.test(Map.of("memory.available_mb", 400.0, "memory.pressure", 85.0))).isTrue();
    assertThat(memory.test(Map.of("memory.available_mb", 400.0, "memory.pressure", 50.0)))
        .isFalse();
    Condition heartbeat = rules.get("nxs-unresponsive").condition();
    assertThat(heartbeat.test(Map.of("nxs.last_heartbeat", 61.0))).isTrue();
    assertThat(heartbeat.test(Map.of("nxs.last_heartbeat", 59.0))).isFalse();
  }

  @Test
  void sizesAndNotAndOrTranslateToJexl() {
    Condition c = Condition.compile("NOT (memory.available_mb >= 512MiB) OR disk.free_mb < 1GiB");

    assertThat(c.metrics()).containsExactly("disk.free_mb", "memory.available_mb");
    assertThat(c.test(Map.of("memory.available_mb", 100.0, "disk.free_mb", 5000.0))).isTrue();
    assertThat(c.test(Map.of("memory.available_mb", 600.0, "disk.free_mb", 1000.0))).isTrue();
    assertThat(c.test(Map.of("memory.available_mb", 600.0, "disk.free_mb", 2000.0))).isFalse();
    assertThat(Condition.translate("a.b > 5m AND c.d_ms < 500ms"))
        .isEqualTo("a.b > 300 && c.d_ms < 0.5");
  }

  @Test
  void theSandboxRefusesMethodCallsAndAssignments() {
    for (String bad :
        List.of(
            "disk.usage_percent.getClass() == 1",
            "disk.usage_percent = 3",
            "new('java.io.File', '/') == 1",
            "''.class.forName('java.lang.Runtime') == 1")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Condition.compile(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("bad expression");
    }
  }

  @Test
  void aBadExpressionIsRejectedWithItsLineAndTheOtherRulesLoad() {
    String yaml =
        """
        rules:
          - id: good-one
            severity: high
            condition: "cpu.usage_percent > 90"
          - id: broken
            severity: high
            condition: "cpu.usage_percent > > 90"
          - id: good-two
            severity: low
            condition: "load.avg1 > 4"
        """;

    RuleLoader.Result r = RuleLoader.parse(yaml, "custom.yaml");

    assertThat(r.rules()).extracting(Rule::id).containsExactly("good-one", "good-two");
    assertThat(r.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo("custom.yaml");
              assertThat(p.line()).isEqualTo(7);
              assertThat(p.ruleId()).isEqualTo("broken");
              assertThat(p.toString()).startsWith("custom.yaml:7: rule 'broken': bad expression");
            });
  }

  @Test
  void anUnknownSeverityIsRejectedWithItsLine() {
    String yaml =
        """
        rules:
          - id: odd
            severity: urgent
            condition: "cpu.usage_percent > 90"
        """;

    RuleProblem p = RuleLoader.parse(yaml, "x.yaml").problems().getFirst();

    assertThat(p.line()).isEqualTo(3);
    assertThat(p.reason()).contains("critical, high, medium, low, info").contains("'urgent'");
  }

  @Test
  void aBadDurationIsRejectedWithItsLine() {
    String yaml =
        """
        rules:
          - id: slow
            severity: low
            condition: "cpu.usage_percent > 90"
            duration: "five minutes"
        """;

    RuleProblem p = RuleLoader.parse(yaml, "x.yaml").problems().getFirst();

    assertThat(p.line()).isEqualTo(5);
    assertThat(p.reason()).contains("duration").contains("'five minutes'");
  }

  @Test
  void unknownKeysAndBrokenYamlAreRejectedNotGuessed() {
    RuleLoader.Result typo =
        RuleLoader.parse(
            """
        rules:
          - id: typo
            severity: low
            conditon: "cpu.usage_percent > 90"
        """,
            "t.yaml");
    RuleLoader.Result broken = RuleLoader.parse("rules:\n  - id: [unclosed\n", "b.yaml");

    assertThat(typo.problems())
        .extracting(RuleProblem::line, RuleProblem::reason)
        .satisfiesExactly(
            p -> {
              assertThat(p.toList().get(0)).isEqualTo(4);
              assertThat((String) p.toList().get(1)).contains("unknown key 'conditon'");
            },
            p -> assertThat(p.toList()).containsExactly(2, "condition is missing"));
    assertThat(broken.rules()).isEmpty();
    assertThat(broken.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).startsWith("not valid YAML"));
  }

  @Test
  void messageTemplatesReadMetricsAndLabels() {
    MessageTemplate t =
        MessageTemplate.compile("t", "Disk {{disk.mount}} at {{disk.usage_percent}}% <{{mount}}>");

    assertThat(t.render(Map.of("disk.usage_percent", 97.54), Map.of("mount", "/var")))
        .isEqualTo("Disk /var at 97.5% </var>");
  }

  @Test
  void everyErrorOfARuleIsReportedEachWithItsLine() {
    String text =
        """
        rules:
          - id: gpu-hot
            name: "GPU Hot"
            severity: severe
            condition: "gpu.temperature_c >> 85"
            duration: "five minutes"
            actions:
              - type: escalate
          - id: gpu-ok
            severity: low
            condition: "gpu.temperature_c > 95"
        """;

    RuleLoader.Result r = RuleLoader.parse(text, "gpu.yaml");

    assertThat(r.rules()).extracting(Rule::id).containsExactly("gpu-ok");
    assertThat(r.problems())
        .extracting(RuleProblem::line, RuleProblem::ruleId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4, "gpu-hot"),
            org.assertj.core.groups.Tuple.tuple(5, "gpu-hot"),
            org.assertj.core.groups.Tuple.tuple(6, "gpu-hot"),
            org.assertj.core.groups.Tuple.tuple(8, "gpu-hot"));
    assertThat(r.problems().get(0).reason()).contains("severity must be one of");
    assertThat(r.problems().get(1).reason()).startsWith("bad expression 'gpu.temperature_c >> 85'");
    assertThat(r.problems().get(2).reason()).startsWith("duration: ");
    assertThat(r.problems().get(3).reason())
        .isEqualTo("an escalate action needs 'after' and 'action'");
  }
}
