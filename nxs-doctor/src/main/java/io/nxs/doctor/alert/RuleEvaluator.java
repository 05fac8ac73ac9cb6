package io.nxs.doctor.alert;

import io.nxs.doctor.rule.Condition;
import io.nxs.doctor.rule.Rule;
import io.nxs.doctor.rule.RuleSet;
import io.nxs.doctor.sample.SampleStore;
import io.nxs.doctor.sample.Series;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates rules over the live samples and says, per rule and label set, whether the condition
 * holds — nothing more: what that means for an alert is {@link AlertEngine}'s business (SPEC DR2).
 *
 * <p>Design note: a rule is evaluated once per label set found among the series of the metrics it
 * reads (one alert per mount, per service); a metric without labels joins every label set. A series
 * whose newest sample is older than the freshness limit is ignored, so a gone mount does not keep
 * an alert alive. In the steady state (condition false, no open alert of the rule) a series costs
 * one condition evaluation and no allocation. Rules are evaluated on several cores from {@link
 * #PARALLEL_FROM} rules on: evaluation only reads.
 *
 * <p>Conditions are pure functions of their inputs, and JEXL's interpreter costs most of a tick
 * (ADRs 0043, 0044): each rule remembers, per label set, the inputs of its last evaluation and the
 * verdict, and evaluates again only when an input changed. Flags, counters and thresholds' inputs
 * mostly stay put between ticks; a rule whose inputs all move pays the full price. A rule's memory
 * is dropped when the rule changes and trimmed to the label sets it saw.
 *
 * <p>A rule on one metric (the common case) reads the metric's {@code Column} of the tick: the
 * metric's series walked and their newest values read (and boxed for JEXL) once per tick, whatever
 * the number of rules on the metric; its memory is then indexed by position in the column's layout.
 */
final class RuleEvaluator {

  /** Rules evaluated on several cores from this many on. */
  static final int PARALLEL_FROM = 64;

  /** What the evaluator needs to know of the open alerts. */
  interface OpenAlerts {
    /** Whether any alert of the rule is open. */
    boolean anyOpen(String ruleId);

    /** Whether the alert with this key is open. */
    boolean isOpen(String key);
  }

  /** What a condition says about one label set. */
  enum Verdict {
    /** The condition holds. */
    HOLDS,
    /** The condition is false, and the resolve condition (if any) true. */
    CLEAR,
    /** The condition is false, but the resolve condition is not yet true (hysteresis). */
    HELD_BY_RESOLVE_CONDITION
  }

  /**
   * One rule on one label set that concerns an alert: it holds, or an alert of it is open.
   *
   * @param values the values of the metrics the rule reads, by name, for the message
   * @param value the value of the condition's first metric
   */
  record Finding(
      Rule rule,
      Map<String, String> labels,
      String key,
      Verdict verdict,
      Map<String, Double> values,
      double value) {}

  /**
   * One evaluation.
   *
   * @param findings in rule order
   * @param seen every alert key whose series were fresh (open alerts not among them lost theirs)
   */
  record Evaluation(List<Finding> findings, Set<String> seen) {}

  private final Map<String, String> errors = new ConcurrentHashMap<>();
  private final Map<String, Memo> memos = new ConcurrentHashMap<>();

  /** The last tick's columns, by metric: their layouts are reused while the series stay put. */
  private Map<String, Column> columns = Map.of();

  /**
   * The series of one metric in a fixed order, as arrays; the same object from tick to tick while
   * the metric's series stay the same, so a rule's memory can be indexed by position.
   */
  private record Layout(Map<String, String>[] labels, Series[] series) {}

  /**
   * One metric at one tick: its layout and each series' newest value (NaN when stale). Built once
   * per tick by the first rule that reads the metric, then read by every rule on it: each series is
   * read once a tick, not once per rule.
   */
  private record Column(Layout layout, double[] values, Double[] boxed) {

    /**
     * A value boxed for JEXL: once per series and tick, by whichever rule needs it first (racing
     * rules may box it twice; a {@code Double} is immutable, so either box is the value).
     */
    Double boxed(int i) {
      Double b = boxed[i];
      if (b == null) {
        b = values[i];
        boxed[i] = b;
      }
      return b;
    }

    static Column of(Map<Map<String, String>, Series> series, Column previous, long freshAfter) {
      Layout layout = previous == null ? null : previous.layout;
      if (layout == null || !sameSeries(series, layout.series)) {
        List<Map<String, String>> labels = new ArrayList<>(series.size());
        List<Series> all = new ArrayList<>(series.size());
        series.forEach(
            (l, s) -> {
              labels.add(l);
              all.add(s);
            });
        @SuppressWarnings("unchecked")
        Map<String, String>[] l = labels.toArray(new Map[0]);
        layout = new Layout(l, all.toArray(new Series[0]));
      }
      Series[] s = layout.series;
      double[] values = new double[s.length];
      for (int i = 0; i < s.length; i++) {
        values[i] = s[i].latestSince(freshAfter);
      }
      return new Column(layout, values, new Double[s.length]);
    }

    /** Whether the map holds exactly these series, in this order. */
    private static boolean sameSeries(Map<Map<String, String>, Series> series, Series[] known) {
      if (series.size() != known.length) {
        return false;
      }
      int i = 0;
      for (Series s : series.values()) {
        if (i >= known.length || s != known[i++]) {
          return false;
        }
      }
      return i == known.length;
    }
  }

  /**
   * The last inputs and verdict of one rule, per label set; used by one thread at a time (a rule is
   * evaluated by one task per tick).
   */
  private static final class Memo {
    final Rule rule;

    /**
     * By the identity of the label map, which is the series' own key and lives as long as the
     * series: hashing an object header instead of the labels' entries. A label set met through
     * another, equal map is only one evaluation more.
     */
    final Map<Map<String, String>, double[]> last = new java.util.IdentityHashMap<>();

    int seen;

    /**
     * For a rule on one metric: the layout its arrays follow, then per series the last condition
     * input and the verdict (1 holds, 0 not, -1 none yet).
     */
    Layout layout;

    double[] lastInput;
    byte[] verdict;

    Memo(Rule rule) {
      this.rule = rule;
    }

    /** Follows a column's layout; a new layout forgets every verdict (one evaluation more). */
    void follow(Layout l) {
      if (layout != l) {
        layout = l;
        lastInput = new double[l.series().length];
        verdict = new byte[l.series().length];
        java.util.Arrays.fill(verdict, (byte) -1);
      }
    }

    /**
     * The entry of a label set: its last condition inputs, then its verdict (1 holds, 0 not), or -1
     * when there is none yet; one hash lookup per label set and tick.
     */
    double[] entry(Map<String, String> labels, int inputs) {
      seen++;
      double[] entry = last.get(labels);
      if (entry == null || entry.length != inputs + 1) {
        entry = new double[inputs + 1];
        entry[inputs] = -1;
        last.put(labels, entry);
      }
      return entry;
    }

    /** After a tick: forget label sets that are gone once they are twice the live ones. */
    void trim() {
      if (last.size() > 2 * seen + 16) {
        last.clear();
      }
      seen = 0;
    }
  }

  /** Evaluates every rule once. */
  Evaluation evaluate(
      RuleSet.Snapshot rules, SampleStore samples, long freshAfter, OpenAlerts open) {
    List<Rule> all = new ArrayList<>(rules.all());
    memos.keySet().retainAll(rules.rules().keySet());
    Map<String, Column> previous = columns;
    Map<String, Column> current = new ConcurrentHashMap<>();
    var stream = all.size() >= PARALLEL_FROM ? all.parallelStream() : all.stream();
    List<List<Finding>> found =
        stream
            .map(
                rule -> {
                  List<Finding> f = new ArrayList<>();
                  try {
                    evaluateRule(rule, samples, freshAfter, open, previous, current, f);
                    errors.remove(rule.id());
                  } catch (IllegalArgumentException e) {
                    errors.put(rule.id(), e.getMessage());
                  }
                  return f;
                })
            .toList();
    columns = current;
    List<Finding> findings = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (List<Finding> f : found) {
      for (Finding x : f) {
        seen.add(x.key());
        if (x.verdict() == Verdict.HOLDS || open.isOpen(x.key())) {
          findings.add(x);
        }
      }
    }
    return new Evaluation(findings, seen);
  }

  /** Rules whose last evaluation failed, with the reason. */
  Map<String, String> errors() {
    return Map.copyOf(errors);
  }

  private void evaluateRule(
      Rule rule,
      SampleStore samples,
      long freshAfter,
      OpenAlerts open,
      Map<String, Column> previous,
      Map<String, Column> current,
      List<Finding> out) {
    List<String> metrics = rule.metrics();
    int n = metrics.size();
    Memo memo =
        memos.compute(rule.id(), (id, m) -> m != null && m.rule == rule ? m : new Memo(rule));
    Inputs in = new Inputs(rule, metrics, open.anyOpen(rule.id()), open, memo);
    if (n == 1) {
      // the common case: one metric, each of its series is one label set, read from the metric's
      // column of this tick (shared by every rule on the metric)
      String metric = metrics.getFirst();
      Column column =
          current.computeIfAbsent(
              metric, m -> Column.of(samples.seriesOf(m), previous.get(m), freshAfter));
      in.evaluate(column, out);
      return;
    }
    @SuppressWarnings("unchecked")
    Map<Map<String, String>, Series>[] columns = new Map[n];
    for (int i = 0; i < n; i++) {
      columns[i] = samples.seriesOf(metrics.get(i));
    }
    Set<Map<String, String>> labelSets = new LinkedHashSet<>();
    for (Map<Map<String, String>, Series> column : columns) {
      for (Map.Entry<Map<String, String>, Series> s : column.entrySet()) {
        if (!s.getKey().isEmpty() && s.getValue().latestMillis() >= freshAfter) {
          labelSets.add(s.getKey());
        }
      }
    }
    if (labelSets.isEmpty()) {
      labelSets.add(Map.of());
    }
    for (Map<String, String> labels : labelSets) {
      boolean complete = true;
      for (int i = 0; i < n; i++) {
        Series s = columns[i].get(labels);
        if (s == null || s.latestMillis() < freshAfter) {
          s = labels.isEmpty() ? null : columns[i].get(Map.of());
        }
        if (s == null || s.latestMillis() < freshAfter) {
          complete = false;
          break;
        }
        in.values[i] = s.latest();
      }
      if (complete) {
        in.evaluate(labels, out);
      }
    }
    memo.trim();
  }

  /** The reusable buffers of one rule's evaluation. */
  private static final class Inputs {
    final Rule rule;
    final List<String> metrics;
    final boolean hasOpen;
    final OpenAlerts open;
    final double[] values;
    final int[] conditionIndex;
    final int[] resolveIndex;
    final double[] condition;
    final Double[] one = new Double[1];

    /** A rule is evaluated on one thread: the thread's evaluator, taken once. */
    final Condition.Evaluator evaluator = Condition.evaluator();

    final Memo memo;

    Inputs(Rule rule, List<String> metrics, boolean hasOpen, OpenAlerts open, Memo memo) {
      this.memo = memo;
      this.rule = rule;
      this.metrics = metrics;
      this.hasOpen = hasOpen;
      this.open = open;
      this.values = new double[metrics.size()];
      this.conditionIndex = indexes(metrics, rule.condition().metrics());
      this.resolveIndex =
          rule.resolveCondition() == null
              ? null
              : indexes(metrics, rule.resolveCondition().metrics());
      this.condition = new double[conditionIndex.length];
    }

    /** The rule on each series of its one metric. */
    void evaluate(Column column, List<Finding> out) {
      Layout layout = column.layout();
      memo.follow(layout);
      double[] values = column.values();
      double[] last = memo.lastInput;
      byte[] verdict = memo.verdict;
      for (int i = 0; i < values.length; i++) {
        double v = values[i];
        if (Double.isNaN(v)) {
          continue; // stale, or no sample yet
        }
        boolean holds;
        if (verdict[i] >= 0 && Double.doubleToLongBits(last[i]) == Double.doubleToLongBits(v)) {
          holds = verdict[i] == 1;
        } else {
          // a failed evaluation leaves no verdict behind (-1), so the next tick tries again
          verdict[i] = -1;
          one[0] = column.boxed(i);
          holds = rule.condition().test(evaluator, one);
          last[i] = v;
          verdict[i] = (byte) (holds ? 1 : 0);
        }
        if (holds || hasOpen) {
          this.values[0] = v;
          found(layout.labels()[i], holds, out);
        }
      }
    }

    void evaluate(Map<String, String> labels, List<Finding> out) {
      int n = condition.length;
      double[] entry = memo.entry(labels, n);
      boolean same = entry[n] >= 0;
      for (int i = 0; i < n; i++) {
        double v = values[conditionIndex[i]];
        condition[i] = v;
        same &= Double.doubleToLongBits(entry[i]) == Double.doubleToLongBits(v);
      }
      boolean holds;
      if (same) {
        holds = entry[n] == 1;
      } else {
        // a failed evaluation leaves no verdict behind (-1), so the next tick tries again
        entry[n] = -1;
        holds = rule.condition().test(condition);
        System.arraycopy(condition, 0, entry, 0, n);
        entry[n] = holds ? 1 : 0;
      }
      if (!holds && !hasOpen) {
        // steady state: nothing to start, nothing open to resolve; no key, no allocation
        return;
      }
      found(labels, holds, out);
    }

    /** A finding for a label set whose condition holds or whose rule has an open alert. */
    private void found(Map<String, String> labels, boolean holds, List<Finding> out) {
      String key = Alert.key(rule.id(), labels);
      Verdict verdict;
      if (holds) {
        verdict = Verdict.HOLDS;
      } else if (resolveIndex != null && open.isOpen(key) && !resolves()) {
        verdict = Verdict.HELD_BY_RESOLVE_CONDITION;
      } else {
        verdict = Verdict.CLEAR;
      }
      Map<String, Double> named = new LinkedHashMap<>();
      for (int i = 0; i < values.length; i++) {
        named.put(metrics.get(i), values[i]);
      }
      out.add(
          new Finding(
              rule,
              labels,
              key,
              verdict,
              named,
              values[metrics.indexOf(rule.condition().metrics().getFirst())]));
    }

    private boolean resolves() {
      double[] r = new double[resolveIndex.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = values[resolveIndex[i]];
      }
      return rule.resolveCondition().test(r);
    }

    private static int[] indexes(List<String> all, List<String> some) {
      int[] idx = new int[some.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = all.indexOf(some.get(i));
      }
      return idx;
    }
  }
}
