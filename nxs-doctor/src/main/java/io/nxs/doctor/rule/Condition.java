package io.nxs.doctor.rule;

import io.nxs.core.config.ByteSize;
import io.nxs.core.config.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlContext;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlOperator;
import org.apache.commons.jexl3.JexlOptions;
import org.apache.commons.jexl3.internal.Engine;
import org.apache.commons.jexl3.internal.Interpreter;
import org.apache.commons.jexl3.introspection.JexlPermissions;
import org.apache.commons.jexl3.introspection.JexlSandbox;
import org.apache.commons.jexl3.parser.ASTJexlScript;

/**
 * A rule condition in the seed's syntax ({@code memory.available_mb < 512 AND memory.pressure >
 * 80}, {@code nxs.last_heartbeat > 60s}), compiled and evaluated by Apache Commons JEXL: the one
 * adapter between rule files and the expression library (ADR 0040).
 *
 * <p>Design note: JEXL parses and evaluates; this class only maps the seed's surface onto JEXL's
 * before parsing, outside string literals: {@code AND}/{@code OR}/{@code NOT} become {@code
 * &&}/{@code ||}/{@code !}, a duration literal ({@code 60s}, {@code 5m}) becomes its number of
 * seconds and a size literal ({@code 512MB}, {@code 2GiB}) its number of MiB, the units the
 * Doctor's metrics use ({@code *_mb} metrics are MiB, heartbeats and durations seconds). The engine
 * is sandboxed: expressions only, no method calls, no object creation, no assignment, no loops, no
 * access to any Java class.
 */
public final class Condition {

  private static final ReusingEngine JEXL =
      new ReusingEngine(
          new JexlBuilder()
              .features(
                  new JexlFeatures()
                      .script(false)
                      .loops(false)
                      .lambda(false)
                      .methodCall(false)
                      .newInstance(false)
                      .sideEffect(false)
                      .sideEffectGlobal(false)
                      .localVar(false)
                      .structuredLiteral(false)
                      .pragma(false)
                      .annotation(false)
                      .importPragma(false)
                      .namespacePragma(false)
                      .register(false)
                      .fatArrow(false)
                      .thinArrow(false))
              .permissions(JexlPermissions.RESTRICTED)
              .sandbox(new JexlSandbox(false))
              .antish(true)
              .strict(true)
              .arithmetic(new Arithmetic())
              .safe(false)
              .silent(false)
              // no executor cache: conditions call no methods and read no properties, and with a
              // cache JEXL builds a method key per operator to look for overloads that cannot exist
              .cache(0));

  /** Evaluation options shared by every evaluation, so JEXL does not copy them per call. */
  private static final JexlOptions OPTIONS = options();

  private static JexlOptions options() {
    JexlOptions o = new JexlOptions().set(JEXL);
    o.setAntish(false);
    o.setSharedInstance(true);
    return o;
  }

  private static final Pattern DURATION =
      Pattern.compile("(?<![\\w.])(\\d+(?:\\.\\d+)?)(ms|s|m|h|d|w)(?![\\w.])");
  private static final Pattern SIZE =
      Pattern.compile("(?<![\\w.])(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)(?![\\w.])");
  private static final Pattern AND = Pattern.compile("\\bAND\\b");
  private static final Pattern OR = Pattern.compile("\\bOR\\b");
  private static final Pattern NOT = Pattern.compile("\\bNOT\\b");
  private static final double MIB = 1024d * 1024d;

  private final String source;
  private final ASTJexlScript tree;
  private final List<String> metrics;

  private Condition(String source, ASTJexlScript tree, List<String> metrics) {
    this.source = source;
    this.tree = tree;
    this.metrics = metrics;
  }

  /**
   * Compiles a condition.
   *
   * @throws IllegalArgumentException with one line saying what is wrong
   */
  public static Condition compile(String source) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("condition is empty");
    }
    String jexl = translate(source);
    try {
      JEXL.createExpression(jexl); // the seed's names, for the error message of a bad one
    } catch (JexlException e) {
      throw new IllegalArgumentException("bad expression '" + source + "': " + reason(e));
    }
    TreeSet<String> names = new TreeSet<>();
    for (List<String> path : JEXL.createScript(jexl).getVariables()) {
      names.add(String.join(".", path));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("bad expression '" + source + "': it names no metric");
    }
    // Rename the dotted metrics to positional identifiers (__m0, __m1, ...) and compile again:
    // evaluation then reads plain variables from an array instead of JEXL resolving "antish"
    // dotted names, which builds strings on every access.
    List<String> ordered = List.copyOf(names);
    String positional = jexl;
    for (int i = 0; i < ordered.size(); i++) {
      positional = renameOutsideQuotes(positional, ordered.get(i), "__m" + i);
    }
    ASTJexlScript tree;
    try {
      tree = JEXL.parseExpression(positional);
    } catch (JexlException e) {
      throw new IllegalArgumentException("bad expression '" + source + "': " + reason(e));
    }
    Condition c = new Condition(source, tree, ordered);
    double[] ones = new double[ordered.size()];
    java.util.Arrays.fill(ones, 1.0);
    c.test(ones);
    return c;
  }

  /** The condition as written. */
  public String source() {
    return source;
  }

  /** The dotted metric names it reads, sorted. */
  public List<String> metrics() {
    return metrics;
  }

  /**
   * Evaluates the condition with the given metric values.
   *
   * @throws IllegalArgumentException when a metric is missing or the result is not true/false
   */
  public boolean test(Map<String, ?> values) {
    double[] v = new double[metrics.size()];
    for (int i = 0; i < v.length; i++) {
      Object x = values.get(metrics.get(i));
      if (!(x instanceof Number n)) {
        throw new IllegalArgumentException(
            "cannot evaluate '" + source + "': no value for " + metrics.get(i));
      }
      v[i] = n.doubleValue();
    }
    return test(v);
  }

  /**
   * Evaluates the condition with values in the order of {@link #metrics()}.
   *
   * @throws IllegalArgumentException when the result is not true/false
   */
  public boolean test(double[] values) {
    Values context = VALUES.get();
    Object[] boxed = context.scratch(values.length);
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return evaluate(context, boxed, values.length);
  }

  /**
   * {@link #test(double[])} with the values boxed already (none null), so that a caller that
   * evaluates several conditions on one value boxes it once, and with the calling thread's {@link
   * Evaluator}, taken once for a run of evaluations instead of looked up per call.
   *
   * @throws IllegalArgumentException when the result is not true/false
   * @throws IllegalStateException when the evaluator is another thread's
   */
  public boolean test(Evaluator evaluator, Double[] values) {
    if (evaluator.owner != Thread.currentThread()) {
      throw new IllegalStateException("a condition evaluator is used by its own thread only");
    }
    return evaluate(evaluator.values, values, values.length);
  }

  /** The calling thread's evaluator, for {@link #test(Evaluator, Double[])} on this thread. */
  public static Evaluator evaluator() {
    return EVALUATORS.get();
  }

  /**
   * One thread's evaluation state (the values being evaluated and JEXL's interpreter), for a run of
   * evaluations on that thread; never usable from another.
   */
  public static final class Evaluator {
    private final Thread owner = Thread.currentThread();
    private final Values values = VALUES.get();

    private Evaluator() {}
  }

  private static final ThreadLocal<Evaluator> EVALUATORS = ThreadLocal.withInitial(Evaluator::new);

  private boolean evaluate(Values context, Object[] values, int count) {
    Object result = null;
    context.bind(values, count);
    try {
      result = JEXL.evaluate(tree, context);
    } catch (JexlException e) {
      throw new IllegalArgumentException("cannot evaluate '" + source + "': " + reason(e));
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("cannot evaluate '" + source + "': nested too deeply");
    } finally {
      context.bind(null, 0);
      if (!(result instanceof Boolean)) {
        // a failed or cancelled (interrupted) evaluation may leave the interpreter cancelled or
        // half-way: the next one starts from a new interpreter
        context.interpreter = null;
      }
    }
    if (result instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(
        "bad expression '" + source + "': it gives " + result + ", not true or false");
  }

  /** Maps the seed syntax onto JEXL's, leaving string literals alone. */
  static String translate(String source) {
    StringBuilder out = new StringBuilder();
    List<String> parts = splitQuoted(source);
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (i % 2 == 1) {
        out.append(part);
        continue;
      }
      part = AND.matcher(part).replaceAll("&&");
      part = OR.matcher(part).replaceAll("||");
      part = NOT.matcher(part).replaceAll("!");
      part =
          replace(SIZE, part, m -> number(ByteSize.parse(m.group(1) + m.group(2)).bytes() / MIB));
      part =
          replace(
              DURATION,
              part,
              m -> number(Durations.parse(m.group(1) + m.group(2)).toMillis() / 1000.0));
      out.append(part);
    }
    return out.toString();
  }

  private static String replace(
      Pattern p, String text, java.util.function.Function<Matcher, String> f) {
    Matcher m = p.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(f.apply(m)));
    }
    m.appendTail(b);
    return b.toString();
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Alternating unquoted and quoted pieces: even indexes outside quotes, odd ones quoted. */
  private static List<String> splitQuoted(String s) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quote == 0 && (ch == '"' || ch == '\'')) {
        parts.add(cur.toString());
        cur.setLength(0);
        quote = ch;
        cur.append(ch);
      } else if (quote != 0 && ch == quote) {
        cur.append(ch);
        parts.add(cur.toString());
        cur.setLength(0);
        quote = 0;
      } else {
        cur.append(ch);
      }
    }
    parts.add(cur.toString());
    if (quote != 0) {
      throw new IllegalArgumentException("bad expression '" + s + "': unterminated string");
    }
    return parts;
  }

  private static String reason(JexlException e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    int at = m.indexOf(' ');
    // JEXL prefixes "org.apache...@1:5 " to its messages; keep the human part.
    return m.contains("@") && at > 0 ? m.substring(at + 1).trim() : m;
  }

  @Override
  public String toString() {
    return source;
  }

  /** Each thread's evaluation context, with the interpreter it reuses. */
  private static final ThreadLocal<Values> VALUES = ThreadLocal.withInitial(Values::new);

  /**
   * The metric values of the current evaluation on one thread, as JEXL reads the positional
   * variables, and the interpreter that thread's evaluations reuse. Never shared between threads;
   * an evaluation cannot start another (conditions call nothing), so one per thread is enough.
   */
  private static final class Values implements JexlContext, JexlContext.OptionsHandle {
    /** The current evaluation's values, boxed (each once, however often the condition reads it). */
    private Object[] values;

    private int count;

    /** Where {@link #test(double[])} boxes its values. */
    private Object[] scratch = new Object[4];

    Interpreter interpreter;

    Object[] scratch(int n) {
      if (n > scratch.length) {
        scratch = new Object[n];
      }
      return scratch;
    }

    void bind(Object[] newValues, int newCount) {
      values = newValues;
      count = newCount;
    }

    @Override
    public JexlOptions getEngineOptions() {
      return OPTIONS;
    }

    @Override
    public Object get(String name) {
      return values[index(name)];
    }

    @Override
    public void set(String name, Object value) {
      throw new UnsupportedOperationException("conditions cannot assign");
    }

    @Override
    public boolean has(String name) {
      return name.startsWith("__m") && index(name) < count;
    }

    private static int index(String name) {
      return Integer.parseInt(name, 3, name.length(), 10);
    }
  }

  /**
   * JEXL's engine with two hooks of its own for conditions: it hands out the parsed tree of an
   * expression, and evaluates such a tree with the evaluating thread's interpreter (kept in its
   * {@link Values}) — JEXL's interpreter walking JEXL's tree with JEXL's arithmetic, as {@code
   * JexlExpression.evaluate} does, without what that call adds around the walk for scripts: a new
   * interpreter per call (with its operator and arithmetic look-ups; ADR 0043), and four
   * thread-local writes per call registering the engine and the interpreter for functions and
   * thread-bound contexts, which conditions cannot reach (the features above forbid calls). Those
   * two were about 70 % of an evaluation (ADR 0044).
   *
   * <p>Sound because a condition is an expression without local variables or frames: an interpreter
   * keeps nothing of one evaluation for the next but its context and options, the same for every
   * condition. A failed evaluation drops the interpreter ({@link #test(double[])}). {@code
   * Engine}'s {@code parse} and {@code createInterpreter} are its protected extension points; the
   * tree's {@code jjtAccept} is how JEXL's own interpreter starts a walk.
   */
  private static final class ReusingEngine extends Engine {
    ReusingEngine(JexlBuilder builder) {
      super(builder);
    }

    /** Parses an expression as {@code createExpression} does. */
    ASTJexlScript parseExpression(String source) {
      return parse(createInfo(), expressionFeatures, source, null);
    }

    /** Evaluates a parsed expression with the thread's interpreter. */
    Object evaluate(ASTJexlScript tree, Values context) {
      Interpreter interpreter = context.interpreter;
      if (interpreter == null) {
        interpreter = createInterpreter(context, null, OPTIONS);
        context.interpreter = interpreter;
      }
      return tree.jjtAccept(interpreter, null);
    }
  }

  /**
   * JEXL's arithmetic, with a shorter way to JEXL's own answer for the comparison conditions are
   * made of: a metric (a {@code Double}) against a number. {@code JexlArithmetic}'s {@code compare}
   * tries big decimals, big integers and floating point in turn, each through the strictness and
   * null checks; for two plain numbers of which one is floating point it ends in the {@code double}
   * comparison below, NaN ordered below every number — the same result, without the walk. Anything
   * else goes to JEXL's own.
   */
  private static final class Arithmetic extends JexlArithmetic {
    Arithmetic() {
      super(true);
    }

    @Override
    protected int compare(Object left, Object right, JexlOperator operator) {
      if ((left instanceof Double || right instanceof Double) && plain(left) && plain(right)) {
        double l = ((Number) left).doubleValue();
        double r = ((Number) right).doubleValue();
        if (Double.isNaN(l)) {
          return Double.isNaN(r) ? 0 : -1;
        }
        if (Double.isNaN(r)) {
          return 1;
        }
        return Double.compare(l, r);
      }
      return super.compare(left, right, operator);
    }

    private static boolean plain(Object o) {
      return o instanceof Double || o instanceof Integer || o instanceof Long;
    }
  }

  /** Replaces a whole dotted name outside string literals. */
  private static String renameOutsideQuotes(String text, String name, String replacement) {
    Pattern p = Pattern.compile("(?<![\\w.])" + Pattern.quote(name) + "(?![\\w.])");
    StringBuilder out = new StringBuilder();
    List<String> parts = splitQuoted(text);
    for (int i = 0; i < parts.size(); i++) {
      out.append(
          i % 2 == 1
              ? parts.get(i)
              : p.matcher(parts.get(i)).replaceAll(Matcher.quoteReplacement(replacement)));
    }
    return out.toString();
  }
}
