package io.nxs.doctor.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.MapContext;
import org.junit.jupiter.api.Test;

/** Evaluation of conditions, which reuses one JEXL interpreter per thread. */
class ConditionTest {

  private static final Condition BETWEEN = Condition.compile("cpu.load > 60 AND cpu.load < 1000");
  private static final Condition RATIO = Condition.compile("disk.used / disk.total > 0.5");
  private static final Condition EITHER =
      Condition.compile("NOT (memory.free_mb >= 512MiB) OR swap.used_percent > 80");

  @Test
  void differentConditionsInterleavedOnOneThreadEachGiveTheirOwnVerdict() {
    for (int i = 0; i < 200; i++) {
      double v = i * 7.5;
      assertThat(BETWEEN.test(new double[] {v})).as("between %s", v).isEqualTo(v > 60 && v < 1000);
      // metrics() is sorted: disk.total, disk.used
      assertThat(RATIO.test(new double[] {750, v})).as("ratio %s", v).isEqualTo(v / 750 > 0.5);
      // metrics() is sorted: memory.free_mb, swap.used_percent
      assertThat(EITHER.test(new double[] {v, 100 - i % 100}))
          .as("either %s", v)
          .isEqualTo(!(v >= 512) || 100 - i % 100 > 80);
    }
  }

  @Test
  void comparisonsGiveStockJexlsAnswersForEveryKindOfNumber() {
    JexlEngine stock = new JexlBuilder().strict(true).create();
    double[] values = {
      Double.NaN,
      -0.0,
      0.0,
      59.999999,
      60,
      60.000001,
      -1,
      1e300,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      9007199254740993d
    };
    String[] literals = {"60", "0", "0.0", "-1", "1e300", "9007199254740993", "60.000001"};
    for (String op : new String[] {"<", "<=", ">", ">=", "==", "!="}) {
      for (String literal : literals) {
        String source = "m.x " + op + " " + literal;
        Condition c = Condition.compile(source);
        JexlExpression reference = stock.createExpression("x " + op + " " + literal);
        for (double v : values) {
          assertThat(c.test(new double[] {v}))
              .as("%s with %s", source, v)
              .isEqualTo(reference.evaluate(new MapContext(Map.of("x", v))));
        }
      }
      Condition both = Condition.compile("m.a " + op + " m.b");
      JexlExpression reference = stock.createExpression("a " + op + " b");
      for (double a : values) {
        for (double b : values) {
          assertThat(both.test(new double[] {a, b}))
              .as("%s %s %s", a, op, b)
              .isEqualTo(reference.evaluate(new MapContext(Map.of("a", a, "b", b))));
        }
      }
    }
  }

  @Test
  void aThreadsEvaluatorServesThatThreadOnly() throws Exception {
    Condition.Evaluator mine = Condition.evaluator();
    assertThat(BETWEEN.test(mine, new Double[] {100.0})).isTrue();
    assertThat(BETWEEN.test(mine, new Double[] {10.0})).isFalse();
    try (ExecutorService other = Executors.newSingleThreadExecutor()) {
      Future<?> misuse = other.submit(() -> BETWEEN.test(mine, new Double[] {100.0}));
      assertThatThrownBy(misuse::get).hasCauseInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aFailedEvaluationLeavesTheNextOneOnTheSameThreadRight() {
    // strict arithmetic: a division by zero is an error, not a verdict
    assertThatThrownBy(() -> RATIO.test(new double[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot evaluate 'disk.used / disk.total > 0.5'");

    assertThat(RATIO.test(new double[] {1000, 600})).isTrue();
    assertThat(RATIO.test(new double[] {1000, 400})).isFalse();
    assertThat(BETWEEN.test(new double[] {61})).isTrue();
  }

  @Test
  void anInterruptedEvaluationLeavesTheThreadsLaterOnesRight() {
    Thread.currentThread().interrupt();
    boolean answered;
    try {
      answered = BETWEEN.test(new double[] {100});
    } catch (IllegalArgumentException cancelled) {
      answered = false;
    } finally {
      Thread.interrupted(); // whatever JEXL left of the flag
    }
    assertThat(answered).as("an interrupted evaluation never says the condition holds").isFalse();

    assertThat(BETWEEN.test(new double[] {100})).isTrue();
    assertThat(BETWEEN.test(new double[] {10})).isFalse();
  }

  @Test
  void threadsEvaluatingAtOnceEachSeeTheirOwnValues() throws Exception {
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = t;
        wrong.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed);
                  int mismatches = 0;
                  for (int i = 0; i < 20_000; i++) {
                    double load = random.nextDouble(0, 2000);
                    double used = random.nextDouble(0, 100);
                    if (BETWEEN.test(new double[] {load}) != (load > 60 && load < 1000)) {
                      mismatches++;
                    }
                    if (RATIO.test(new double[] {100, used}) != (used / 100 > 0.5)) {
                      mismatches++;
                    }
                  }
                  return mismatches;
                }));
      }
      for (Future<Integer> f : wrong) {
        assertThat(f.get()).isZero();
      }
    }
  }
}
