package io.nxs.doctor.bench;

import io.nxs.core.state.StateStore;
import io.nxs.doctor.alert.AlertEngine;
import io.nxs.doctor.alert.AlertStore;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleLoader;
import io.nxs.doctor.rule.RuleSet;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.testkit.TempHome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One tick of the rule engine: 1,000 rules over 10,000 series (goal: ≤ 10 ms per tick on 2 cores).
 *
 * <p>10,000 series are 100 metrics × 100 label values ({@code host=h0..h99}). {@code
 * seriesPerRule=100}: each metric has 10 rules (thresholds), each evaluated on all 100 series of
 * its metric, i.e. 100,000 condition evaluations per tick. {@code seriesPerRule=10}: the same 1,000
 * rules, but each metric has only 10 labelled series (1,000 series of the 10,000 per metric group
 * are read), i.e. 10,000 evaluations. No rule changes state, so no SQLite write. {@code
 * values=steady}: the samples keep their values between ticks (flags, counters, idle figures);
 * {@code values=moving}: before every tick each series gets a new sample with a new value, so no
 * condition can be answered from the last tick's inputs (the ingest is outside the measured time).
 *
 * <p>Run: {@code bench/jmh nxs-doctor -f 1 -wi 3 -i 5 RuleEvaluationBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RuleEvaluationBenchmark {

  @Param({"100", "10"})
  public int seriesPerRule;

  @Param({"steady", "moving"})
  public String values;

  private long tickMillis;
  private int round;

  private TempHome home;
  private SampleStore samples;
  private AlertEngine engine;
  private RuleSet.Snapshot rules;

  @Setup(Level.Trial)
  public void setUp() {
    home = TempHome.create();
    StateStore store = StateStore.open(home.resolve("state.db"));
    store.migrate("doctor");
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    tickMillis = now.toEpochMilli();
    samples = new SampleStore(Duration.ofHours(1), Duration.ofSeconds(60), 20_000);
    int metrics = 100;
    int perMetric = 10_000 / metrics;
    for (int m = 0; m < metrics; m++) {
      for (int h = 0; h < perMetric; h++) {
        // with seriesPerRule=10 only 10 of each metric's series carry the rule's metric name
        String metric = h < seriesPerRule ? "bench.m" + m : "other.m" + m;
        samples.add(metric, Map.of("host", "h" + h), now.toEpochMilli(), (h * 7 + m) % 50);
      }
    }
    StringBuilder yaml = new StringBuilder("rules:\n");
    for (int i = 0; i < 1000; i++) {
      yaml.append("  - id: r")
          .append(i)
          .append("\n    severity: low\n    condition: \"bench.m")
          .append(i % metrics)
          .append(" > ")
          .append(60 + i / metrics)
          .append(" AND bench.m")
          .append(i % metrics)
          .append(" < 1000\"\n");
    }
    RuleLoader.Result r = RuleLoader.parse(yaml.toString(), "bench.yaml");
    if (!r.problems().isEmpty() || r.rules().size() != 1000) {
      throw new IllegalStateException("bench rules did not load: " + r.problems());
    }
    Map<String, Rule> byId = new LinkedHashMap<>();
    r.rules().forEach(x -> byId.put(x.id(), x));
    rules = new RuleSet.Snapshot(byId, List.of(), List.of());
    engine =
        new AlertEngine(
            new AlertStore(store, Clock.fixed(now, ZoneOffset.UTC)),
            Clock.fixed(now, ZoneOffset.UTC),
            Duration.ofMinutes(5));
  }

  /** For {@code values=moving}: a new sample with a new value for every series, a second later. */
  @Setup(Level.Invocation)
  public void move() {
    if (!values.equals("moving")) {
      return;
    }
    round++;
    tickMillis += 1000;
    for (int m = 0; m < 100; m++) {
      for (int h = 0; h < 100; h++) {
        String metric = h < seriesPerRule ? "bench.m" + m : "other.m" + m;
        samples.add(metric, Map.of("host", "h" + h), tickMillis, (h * 7 + m + round) % 50);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    home.close();
  }

  @Benchmark
  public int tick() {
    return engine.evaluate(rules, samples).size();
  }
}
